package ipsocket.impl.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;

/**
 * A {@link SocketListener} that records every callback in order, thread-safely, and lets a test
 * wait for what it expects with a deadline instead of sleeping.
 *
 * <p>Conditions passed to the {@code await} methods are evaluated outside the probe's lock, so
 * they may call the socket (whose event loop may be calling this probe at the same moment).
 * They are re-evaluated on every callback and at least every {@value #POLL_MILLIS} ms, so
 * conditions on socket state that no callback announces (for example
 * {@link IpSocket#getBytesToWrite()}) work as well.
 */
public final class SocketProbe implements SocketListener {

    /** The longest time a waiting condition goes without being re-evaluated. */
    public static final long POLL_MILLIS = 10;

    /** The kinds of callback recorded. */
    public enum Kind {
        STATE, ERROR, CONNECTED, DISCONNECTED, READY_READ, LINE_AVAILABLE, PROPERTY, BYTES_WRITTEN,
        DATAGRAM, ENCRYPTED, SSL_ERRORS, MODE
    }

    /**
     * One recorded callback.
     *
     * @param nanos {@link System#nanoTime()} when it was recorded
     * @param thread the name of the thread that made the callback
     * @param kind which callback
     * @param value the state, error, property name, byte count or datagram, depending on kind
     * @param detail the error string, or the property's new value
     * @param oldValue the property's old value
     */
    public record Event(long nanos, String thread, Kind kind, Object value, Object detail,
            Object oldValue) {
        @Override
        public String toString() {
            String text = kind + (value == null ? "" : "(" + value + ")");
            if (kind == Kind.ERROR) {
                text += " \"" + detail + "\"";
            } else if (kind == Kind.PROPERTY) {
                text += " " + oldValue + " -> " + detail;
            }
            return text + " @" + thread;
        }
    }

    /**
     * A recorded property change.
     *
     * @param name the property name
     * @param oldValue the old value
     * @param newValue the new value
     */
    public record PropertyChange(String name, Object oldValue, Object newValue) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Event> events = new ArrayList<>();
    private long version;

    private void record(Kind kind, Object value, Object detail, Object oldValue) {
        Event event = new Event(System.nanoTime(), Thread.currentThread().getName(), kind, value,
                detail, oldValue);
        lock.lock();
        try {
            events.add(event);
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- SocketListener ----

    @Override
    public void connected(IpSocket socket) {
        record(Kind.CONNECTED, null, null, null);
    }

    @Override
    public void disconnected(IpSocket socket) {
        record(Kind.DISCONNECTED, null, null, null);
    }

    @Override
    public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
        record(Kind.ERROR, error, errorString, null);
    }

    @Override
    public void readyRead(IpSocket socket) {
        record(Kind.READY_READ, null, null, null);
    }

    @Override
    public void lineAvailableForRead(IpSocket socket) {
        record(Kind.LINE_AVAILABLE, null, null, null);
    }

    @Override
    public void stateChanged(IpSocket socket, SocketState state) {
        record(Kind.STATE, state, null, null);
    }

    @Override
    public void datagramReceived(UdpSocket socket, UdpDatagram datagram) {
        record(Kind.DATAGRAM, datagram, null, null);
    }

    @Override
    public void propertyChanged(IpSocket socket, String name, Object oldValue, Object newValue) {
        record(Kind.PROPERTY, name, newValue, oldValue);
    }

    @Override
    public void bytesWritten(IpSocket socket, long bytes) {
        record(Kind.BYTES_WRITTEN, bytes, null, null);
    }

    @Override
    public void encrypted(ipsocket.api.SslSocket socket) {
        record(Kind.ENCRYPTED, socket.getSessionProtocol(), socket.getSessionCipher(), null);
    }

    @Override
    public void sslErrors(ipsocket.api.SslSocket socket, List<String> errors) {
        record(Kind.SSL_ERRORS, errors, null, null);
    }

    @Override
    public void modeChanged(ipsocket.api.SslSocket socket, ipsocket.api.SslMode mode) {
        record(Kind.MODE, mode, null, null);
    }

    // ---- snapshots ----

    /**
     * Returns a copy of every callback recorded so far, in order.
     *
     * @return the events
     */
    public List<Event> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the events of one kind.
     *
     * @param kind the kind
     * @return the matching events, in order
     */
    public List<Event> events(Kind kind) {
        return events().stream().filter(e -> e.kind() == kind).toList();
    }

    /**
     * Returns the number of events recorded so far; a mark for {@link #eventsSince(int)}.
     *
     * @return the event count
     */
    public int mark() {
        lock.lock();
        try {
            return events.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the events recorded after a {@link #mark()}.
     *
     * @param mark a value returned by {@link #mark()}
     * @return the later events
     */
    public List<Event> eventsSince(int mark) {
        lock.lock();
        try {
            return List.copyOf(events.subList(mark, events.size()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns every state reported by {@code stateChanged}, in order.
     *
     * @return the states
     */
    public List<SocketState> states() {
        return events(Kind.STATE).stream().map(e -> (SocketState) e.value()).toList();
    }

    /**
     * Returns the states reported after a {@link #mark()}.
     *
     * @param mark a value returned by {@link #mark()}
     * @return the later states
     */
    public List<SocketState> statesSince(int mark) {
        return eventsSince(mark).stream().filter(e -> e.kind() == Kind.STATE)
                .map(e -> (SocketState) e.value()).toList();
    }

    /**
     * Returns every error reported by {@code errorOccurred}, in order.
     *
     * @return the errors
     */
    public List<SocketError> errors() {
        return events(Kind.ERROR).stream().map(e -> (SocketError) e.value()).toList();
    }

    /**
     * Returns the error strings reported by {@code errorOccurred}, in order.
     *
     * @return the error strings
     */
    public List<String> errorStrings() {
        return events(Kind.ERROR).stream().map(e -> (String) e.detail()).toList();
    }

    /**
     * Returns the property changes reported for one property.
     *
     * @param name the property name
     * @return the changes, in order
     */
    public List<PropertyChange> propertyChanges(String name) {
        return events(Kind.PROPERTY).stream().filter(e -> name.equals(e.value()))
                .map(e -> new PropertyChange(name, e.oldValue(), e.detail())).toList();
    }

    /**
     * Returns how many events of a kind were recorded.
     *
     * @param kind the kind
     * @return the count
     */
    public int count(Kind kind) {
        return count(e -> e.kind() == kind);
    }

    /**
     * Returns how many recorded events match.
     *
     * @param filter the events to count
     * @return the count
     */
    public int count(Predicate<Event> filter) {
        lock.lock();
        try {
            int n = 0;
            for (Event event : events) {
                if (filter.test(event)) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds up the numbers that a pattern's first group finds in the error strings heard, such as
     * the counts that paced warnings report.
     *
     * @param pattern a pattern whose first group is a number
     * @return the sum over every error string it matches
     */
    public long sumInErrorStrings(Pattern pattern) {
        long sum = 0;
        for (String text : errorStrings()) {
            Matcher matcher = pattern.matcher(text);
            if (matcher.find()) {
                sum += Long.parseLong(matcher.group(1));
            }
        }
        return sum;
    }

    /**
     * Returns how many times a state was reported.
     *
     * @param state the state
     * @return the count
     */
    public int stateCount(SocketState state) {
        return count(e -> e.kind() == Kind.STATE && e.value() == state);
    }

    /**
     * Returns how many times an error was reported.
     *
     * @param error the error
     * @return the count
     */
    public int errorCount(SocketError error) {
        return count(e -> e.kind() == Kind.ERROR && e.value() == error);
    }

    /** @return how many times {@code connected} was called */
    public int connectedCount() {
        return count(Kind.CONNECTED);
    }

    /** @return how many times {@code disconnected} was called */
    public int disconnectedCount() {
        return count(Kind.DISCONNECTED);
    }

    /** @return how many times {@code readyRead} was called */
    public int readyReadCount() {
        return count(Kind.READY_READ);
    }

    /** @return how many times {@code lineAvailableForRead} was called */
    public int lineAvailableCount() {
        return count(Kind.LINE_AVAILABLE);
    }

    /** @return the sum of the byte counts reported by {@code bytesWritten} */
    public long bytesWrittenTotal() {
        return events(Kind.BYTES_WRITTEN).stream().mapToLong(e -> (Long) e.value()).sum();
    }

    /**
     * Returns the {@link System#nanoTime()} of every report of a state.
     *
     * @param state the state
     * @return the times, in order
     */
    public List<Long> stateTimes(SocketState state) {
        return events(Kind.STATE).stream().filter(e -> e.value() == state).map(Event::nanos)
                .toList();
    }

    /**
     * Returns the names of the threads that made callbacks.
     *
     * @return the thread names
     */
    public Set<String> callbackThreads() {
        Set<String> names = new LinkedHashSet<>();
        for (Event event : events()) {
            names.add(event.thread());
        }
        return names;
    }

    /**
     * Returns the recorded events as text, for failure messages.
     *
     * @return one line per event
     */
    public String describe() {
        StringBuilder text = new StringBuilder("recorded callbacks:");
        List<Event> all = events();
        int from = Math.max(0, all.size() - 200);
        if (from > 0) {
            text.append("\n  ... ").append(from).append(" earlier");
        }
        for (Event event : all.subList(from, all.size())) {
            text.append("\n  ").append(event);
        }
        return text.toString();
    }

    /**
     * Returns the stacks of the live {@code ipsocket-*} threads, for failure messages: a wait
     * that times out with no callback at all usually means a blocked or dead event loop.
     *
     * @return one block per thread, or a note that there is none
     */
    public static String ioThreadDump() {
        StringBuilder text = new StringBuilder("ipsocket threads:");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("ipsocket-")) {
                text.append("\n  ").append(thread.getName()).append(' ').append(thread.getState());
                for (StackTraceElement frame : stack) {
                    text.append("\n      at ").append(frame);
                }
            }
        });
        return text.toString();
    }

    // ---- waiting ----

    /**
     * Waits until a state has been reported at least once.
     *
     * @param state the state
     * @param timeout the deadline
     */
    public void awaitState(SocketState state, Duration timeout) {
        awaitStateCount(state, 1, timeout);
    }

    /**
     * Waits until a state has been reported at least {@code times} times.
     *
     * @param state the state
     * @param times the count to reach
     * @param timeout the deadline
     */
    public void awaitStateCount(SocketState state, int times, Duration timeout) {
        await(() -> stateCount(state) >= times, timeout, "state " + state + " reported " + times
                + " time(s)");
    }

    /**
     * Waits until an error has been reported at least once.
     *
     * @param error the error
     * @param timeout the deadline
     */
    public void awaitError(SocketError error, Duration timeout) {
        awaitErrorCount(error, 1, timeout);
    }

    /**
     * Waits until an error has been reported at least {@code times} times.
     *
     * @param error the error
     * @param times the count to reach
     * @param timeout the deadline
     */
    public void awaitErrorCount(SocketError error, int times, Duration timeout) {
        await(() -> errorCount(error) >= times, timeout, "error " + error + " reported " + times
                + " time(s)");
    }

    /**
     * Waits until {@code connected} has been called at least once.
     *
     * @param timeout the deadline
     */
    public void awaitConnected(Duration timeout) {
        awaitConnected(1, timeout);
    }

    /**
     * Waits until {@code connected} has been called at least {@code times} times.
     *
     * @param times the count to reach
     * @param timeout the deadline
     */
    public void awaitConnected(int times, Duration timeout) {
        await(() -> connectedCount() >= times, timeout, "connected() called " + times
                + " time(s)");
    }

    /**
     * Waits until {@code disconnected} has been called at least once.
     *
     * @param timeout the deadline
     */
    public void awaitDisconnected(Duration timeout) {
        awaitDisconnected(1, timeout);
    }

    /**
     * Waits until {@code disconnected} has been called at least {@code times} times.
     *
     * @param times the count to reach
     * @param timeout the deadline
     */
    public void awaitDisconnected(int times, Duration timeout) {
        await(() -> disconnectedCount() >= times, timeout, "disconnected() called " + times
                + " time(s)");
    }

    /**
     * Waits until a condition holds, re-evaluating it on every callback and every
     * {@value #POLL_MILLIS} ms; fails with the recorded callbacks when the deadline passes.
     *
     * @param condition the condition, evaluated outside the probe's lock
     * @param timeout the deadline
     * @param what what is waited for, for the failure message
     */
    public void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = version();
            if (condition.getAsBoolean()) {
                return;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                fail("Timed out after " + timeout.toMillis() + " ms waiting for: " + what
                        + "\n" + describe() + "\n" + ioThreadDump());
            }
            waitForCallback(seen, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
        }
    }

    /**
     * Watches a condition for a whole window and fails as soon as it holds: for things that
     * must not happen (a reconnect attempt after {@code disconnectFromHost()}, a second
     * {@code readyRead} without new data).
     *
     * @param condition the condition that must stay false
     * @param window how long to watch
     * @param what what must not happen, for the failure message
     */
    public void assertNotWithin(BooleanSupplier condition, Duration window, String what) {
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            long seen = version();
            if (condition.getAsBoolean()) {
                fail("Happened although it must not: " + what + "\n" + describe());
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            waitForCallback(seen, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
        }
    }

    /**
     * Lets a window of time pass while callbacks keep being recorded, for counting what the
     * socket does on its own within a period (reconnect attempts).
     *
     * @param window how long to observe
     */
    public void observeFor(Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        lock.lock();
        try {
            long remaining;
            while ((remaining = deadline - System.nanoTime()) > 0) {
                changed.awaitNanos(remaining);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            fail("Interrupted while observing the socket");
        } finally {
            lock.unlock();
        }
    }

    private long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    private void waitForCallback(long seenVersion, long nanos) {
        lock.lock();
        try {
            if (version == seenVersion) {
                changed.awaitNanos(nanos);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            fail("Interrupted while waiting");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SocketProbe" + Objects.toString(events());
    }
}
