package ipsocket.itest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.After;
import org.junit.Before;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/** Socket tests that read what the implementation bundle logs: every entry from the start of each test. */
public abstract class LoggedSocketTestSupport extends SocketTestSupport {
    private final List<LogEntry> log = new CopyOnWriteArrayList<>();
    private final LogListener logListener = log::add;
    private LogReaderService logReader;

    /**
     * Starts collecting log entries.
     *
     * @throws Exception if the log reader is missing
     */
    @Before
    public void collectLog() throws Exception {
        logReader = awaitService(LogReaderService.class, null, TIMEOUT);
        logReader.addLogListener(logListener);
    }

    /** Stops collecting log entries. */
    @After
    public void stopCollectingLog() {
        if (logReader != null) {
            logReader.removeLogListener(logListener);
        }
    }

    /**
     * Returns the warnings (and worse) the implementation bundle logged during this test that
     * contain every part given.
     *
     * @param parts texts each line must contain
     * @return the lines, in the order logged
     */
    protected List<String> implWarningsContaining(String... parts) {
        List<String> lines = new ArrayList<>();
        for (LogEntry entry : log) {
            if (entry.getBundle() != null && IMPL_BUNDLE.equals(entry.getBundle().getSymbolicName())
                    && entry.getLogLevel().implies(LogLevel.WARN)
                    && List.of(parts).stream().allMatch(part -> entry.getMessage().contains(part))) {
                lines.add(entry.getMessage());
            }
        }
        return lines;
    }
}
