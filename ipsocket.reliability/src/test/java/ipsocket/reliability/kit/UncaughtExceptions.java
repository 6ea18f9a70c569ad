package ipsocket.reliability.kit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Records every exception that escapes a thread while a test runs: installs a
 * {@link Thread#setDefaultUncaughtExceptionHandler default uncaught-exception handler} before
 * each test, restores the previous one after it, and fails the test when anything was
 * recorded. Register with {@code @RegisterExtension}.
 */
public final class UncaughtExceptions implements BeforeEachCallback, AfterEachCallback {

    private final List<String> escaped = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler previous;

    @Override
    public void beforeEach(ExtensionContext context) {
        escaped.clear();
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            escaped.add(thread.getName() + ": " + trace);
        });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Thread.setDefaultUncaughtExceptionHandler(previous);
        assertNone();
    }

    /** Fails if any exception escaped a thread since the test started. */
    public void assertNone() {
        if (!escaped.isEmpty()) {
            fail(escaped.size() + " exception(s) escaped as uncaught:\n" + String.join("\n", escaped));
        }
    }

    /** @return how many exceptions escaped so far */
    public int count() {
        return escaped.size();
    }
}
