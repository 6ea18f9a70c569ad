package ipsocket.bench.events;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

import ipsocket.api.SocketEvents;

/**
 * The subscriber: an EventHandler on {@code ipsocket/TcpSocket/*} (and the runner's marker
 * topic) that counts events and the bytes DATA_RECEIVED events carry, and nothing else.
 */
final class CountingHandler implements EventHandler {
    /** Posted by the runner from the socket's loop thread after a run's last byte: EventAdmin
     *  delivers the events of one posting thread in order, so when it arrives every event posted
     *  before it has been delivered. The publisher coalesces data events (at most one batch per
     *  20 ms), so the last batch may come after the marker: with publishData, a run ends when
     *  both the marker and every byte have arrived. */
    static final String MARK_TOPIC = "ipsocket/bench/MARK";

    /** The counts of one run. */
    static final class Counts {
        final AtomicLong readyRead = new AtomicLong();
        final AtomicLong dataReceived = new AtomicLong();
        final AtomicLong dataBytes = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        final CompletableFuture<Long> marked = new CompletableFuture<>();
        private final long expectedDataBytes;
        private final boolean expectReadyRead;
        private volatile boolean markSeen;

        Counts(long expectedDataBytes, boolean expectReadyRead) {
            this.expectedDataBytes = expectedDataBytes;
            this.expectReadyRead = expectReadyRead;
        }

        /**
         * Completes {@link #marked} once the marker, every expected data byte and (for a receiving
         * run) a READY_READ have arrived: a batch gathered in the marker's loop turn is posted
         * after it.
         */
        void completeIfDone() {
            if (markSeen && dataBytes.get() >= expectedDataBytes && (!expectReadyRead || readyRead.get() > 0)) {
                marked.complete(System.nanoTime());
            }
        }

        long events() {
            return readyRead.get() + dataReceived.get() + other.get();
        }
    }

    private volatile Counts counts;

    /**
     * Starts counting for a new run.
     *
     * @param expectedDataBytes the bytes the run's DATA_RECEIVED events carry (0 without publishData)
     * @param expectReadyRead whether the run receives, so READY_READ events must come
     * @return the run's counts
     */
    Counts begin(long expectedDataBytes, boolean expectReadyRead) {
        Counts c = new Counts(expectedDataBytes, expectReadyRead);
        counts = c;
        return c;
    }

    @Override
    public void handleEvent(Event event) {
        Counts c = counts;
        if (c == null) {
            return;
        }
        String topic = event.getTopic();
        if (topic.equals(SocketEvents.TCP_READY_READ)) {
            c.readyRead.incrementAndGet();
            c.completeIfDone();
        } else if (topic.equals(SocketEvents.TCP_DATA_RECEIVED)) {
            c.dataReceived.incrementAndGet();
            Object data = event.getProperty(SocketEvents.DATA);
            if (data instanceof byte[]) {
                c.dataBytes.addAndGet(((byte[]) data).length);
            }
            c.completeIfDone();
        } else if (topic.equals(MARK_TOPIC)) {
            c.markSeen = true;
            c.completeIfDone();
        } else {
            c.other.incrementAndGet();
        }
    }
}
