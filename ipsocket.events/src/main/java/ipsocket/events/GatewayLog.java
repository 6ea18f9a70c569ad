package ipsocket.events;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * The gateway's persistent log: every OSGi log entry of level WARN or more severe (ERROR,
 * AUDIT), and every entry of an {@code ipsocket} bundle from INFO up, as one line such as
 * {@code 2026-12-07T10:00:00.123Z WARN ipsocket.impl: Bad value in ...}. The lines go to the
 * file named by the framework property {@code ipsocket.log.file} (the gateway's
 * {@code --log FILE}, default {@code ipsocket.gateway/log/gateway.log}), created owner-only
 * (0600) and rotated by size like the events file ({@code ipsocket.log.maxBytes}, default
 * 10 MiB, {@code ipsocket.log.maxFiles}, default 5), and to standard output when
 * {@code ipsocket.log.console} is {@code true} (the gateway sets it with {@code --no-shell}).
 * Entries logged before this component started are taken from the log reader's history first.
 */
@Component(immediate = true, service = {})
public class GatewayLog implements LogListener {
    /** Prefix of the framework properties: {@code .file}, {@code .maxBytes}, {@code .maxFiles}, {@code .console}. */
    static final String PROPERTY_PREFIX = "ipsocket.log";

    private final RotatingFile file;
    private final PrintStream console;
    private final LogFollower follower;

    /**
     * Opens the log file, writes the entries logged so far, and listens for more.
     *
     * @param context the bundle context
     * @param reader the framework's log reader
     * @throws IOException if the log file cannot be opened
     */
    @Activate
    public GatewayLog(BundleContext context, @Reference LogReaderService reader) throws IOException {
        this.file = RotatingFile.fromProperties(PROPERTY_PREFIX, context::getProperty);
        this.console = Boolean.parseBoolean(context.getProperty(PROPERTY_PREFIX + ".console")) ? System.out : null;
        this.follower = file == null && console == null ? null : LogFollower.follow(reader, this);
    }

    /**
     * Writes an entry to the file and the console, if it belongs in the gateway log.
     *
     * @param entry the entry
     */
    @Override
    public void logged(LogEntry entry) {
        if (!kept(entry)) {
            return;
        }
        String line = line(entry);
        if (console != null) {
            console.println(line);
        }
        if (file != null) {
            try {
                file.append(line);
            } catch (IOException e) {
                System.err.println("ipsocket gateway log: cannot write: " + e.getMessage());
            }
        }
    }

    /**
     * Whether an entry belongs in the gateway log.
     *
     * @param entry the entry
     * @return true to keep it
     */
    private static boolean kept(LogEntry entry) {
        Bundle bundle = entry.getBundle();
        return kept(entry.getLogLevel(), bundle == null ? null : bundle.getSymbolicName(), entry.getLoggerName());
    }

    /**
     * Whether an entry belongs in the gateway log: WARN and more severe from anyone, INFO from
     * ipsocket's own bundles, but not the framework's INFO records of their bundle and service
     * events (loggers {@code Events.Bundle}, {@code Events.Service}, {@code Events.Framework}),
     * which would fill the log with every socket registered.
     *
     * @param level the entry's level
     * @param bundle the symbolic name of the entry's bundle, or {@code null}
     * @param logger the entry's logger name, or {@code null}
     * @return true to keep it
     */
    static boolean kept(LogLevel level, String bundle, String logger) {
        if (isWarningOrWorse(level)) {
            return true;
        }
        return level == LogLevel.INFO && bundle != null && bundle.startsWith("ipsocket")
                && (logger == null || !logger.startsWith("Events."));
    }

    /**
     * Whether a level is one an operator must see wherever they look: WARN, ERROR or AUDIT.
     *
     * @param level a log level
     * @return true for WARN and more severe
     */
    static boolean isWarningOrWorse(LogLevel level) {
        return level.ordinal() <= LogLevel.WARN.ordinal(); // AUDIT, ERROR, WARN
    }

    /**
     * Returns the log line of an entry: time (UTC), level, bundle, message and exception.
     *
     * @param entry the entry
     * @return one line (a multi-line message keeps its breaks, indented)
     */
    static String line(LogEntry entry) {
        Bundle bundle = entry.getBundle();
        StringBuilder line = new StringBuilder().append(Instant.ofEpochMilli(entry.getTime())).append(' ')
                .append(entry.getLogLevel()).append(' ')
                .append(bundle == null ? "framework" : bundle.getSymbolicName()).append(": ")
                .append(entry.getMessage());
        if (entry.getException() != null) {
            line.append(" (").append(entry.getException()).append(')');
        }
        return line.toString().replace("\n", "\n    ");
    }

    @Deactivate
    void deactivate() throws IOException {
        if (follower != null) {
            follower.close();
        }
        if (file != null) {
            file.close();
        }
    }
}
