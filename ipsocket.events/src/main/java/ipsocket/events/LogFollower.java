package ipsocket.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Follows the framework's log for one of the gateway's outputs (the gateway log, the events
 * file): first the entries logged before it started, oldest first, so a warning from start-up
 * (a bad {@code ioThreads}, a rejected file) is not missed, then every new entry.
 */
final class LogFollower implements AutoCloseable {
    private final LogReaderService reader;
    private final LogListener listener;

    private LogFollower(LogReaderService reader, LogListener listener) {
        this.reader = reader;
        this.listener = listener;
    }

    /**
     * Hands the log's history to a listener, then adds it to the reader.
     *
     * @param reader the framework's log reader
     * @param listener what takes the entries
     * @return the follower, to close when the output closes
     */
    static LogFollower follow(LogReaderService reader, LogListener listener) {
        List<LogEntry> history = new ArrayList<>();
        for (Enumeration<LogEntry> entries = reader.getLog(); entries.hasMoreElements();) {
            history.add(entries.nextElement());
        }
        Collections.reverse(history); // the reader gives the newest first
        history.forEach(listener::logged);
        reader.addLogListener(listener);
        return new LogFollower(reader, listener);
    }

    /** Stops following. */
    @Override
    public void close() {
        reader.removeLogListener(listener);
    }
}
