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
     *  delivers the events of one posting thread in order, so when it arrives every event of
     *  the run has been delivered. */
    static final String MARK_TOPIC = "ipsocket/bench/MARK";

    /** The counts of one run. */
    static final class Counts {
        final AtomicLong readyRead = new AtomicLong();
        final AtomicLong dataReceived = new AtomicLong();
        final AtomicLong dataBytes = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        final CompletableFuture<Long> marked = new CompletableFuture<>();

        long events() {
            return readyRead.get() + dataReceived.get() + other.get();
        }
    }

    private volatile Counts counts;

    /** Starts counting for a new run. */
    Counts begin() {
        Counts c = new Counts();
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
        } else if (topic.equals(SocketEvents.TCP_DATA_RECEIVED)) {
            c.dataReceived.incrementAndGet();
            Object data = event.getProperty(SocketEvents.DATA);
            if (data instanceof byte[]) {
                c.dataBytes.addAndGet(((byte[]) data).length);
            }
        } else if (topic.equals(MARK_TOPIC)) {
            c.marked.complete(System.nanoTime());
        } else {
            c.other.incrementAndGet();
        }
    }
}
