package ipsocket.bench.events;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** One transfer: its size, its times, its end, and the EventAdmin to post the marker to. */
final class Run {
    final int id;
    final long bytes;
    final EventAdmin markTo;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile long startNanos;
    volatile long doneNanos;

    Run(int id, long bytes, EventAdmin markTo) {
        this.id = id;
        this.bytes = bytes;
        this.markTo = markTo;
    }

    /** On the loop thread, after the last byte: note the time, post the marker, finish. */
    void finish() {
        doneNanos = System.nanoTime();
        if (markTo != null) {
            try {
                markTo.postEvent(new Event(CountingHandler.MARK_TOPIC, Map.of("run", id)));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
        }
        done.complete(null);
    }

    void fail(Throwable t) {
        done.completeExceptionally(t);
    }
}
