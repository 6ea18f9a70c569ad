package ipsocket.impl.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.impl.testing.SocketFixture;

/** The event loop's own guarantees: tasks from other threads always wake it, closes free ports. */
@Timeout(30)
class EventLoopTest {
    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private final EventLoop loop = fixture.loops().next();

    /**
     * A close on the loop flushes deregistrations with selectNow(), which also clears a pending
     * wake-up. A task queued by another thread afterwards must still wake the loop.
     */
    @Test
    void aTaskQueuedAfterACloseThatConsumedAWakeUpStillRuns() throws Exception {
        DatagramChannel channel = DatagramChannel.open();
        channel.configureBlocking(false);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        CompletableFuture<SelectionKey> registered = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                registered.complete(loop.register(channel, 0, new ChannelHandler() {
                    @Override
                    public void onReady(SelectionKey key) {
                    }

                    @Override
                    public void onLoopShutdown() {
                    }
                }));
            } catch (Exception e) {
                registered.completeExceptionally(e);
            }
        });
        SelectionKey key = registered.get(5, TimeUnit.SECONDS);

        CountDownLatch timerRunning = new CountDownLatch(1);
        CountDownLatch closeQueued = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // A timer holds the loop between its wake-up reset and its task snapshot...
        loop.execute(() -> loop.schedule(0, () -> {
            timerRunning.countDown();
            await(closeQueued);
        }));
        assertTrue(timerRunning.await(5, TimeUnit.SECONDS));
        // ...while this thread queues the close: its wake-up request is recorded as pending.
        loop.execute(() -> {
            loop.close(key, channel);
            closed.countDown();
        });
        closeQueued.countDown();
        assertTrue(closed.await(5, TimeUnit.SECONDS));

        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(ran::countDown);
        assertTrue(ran.await(2, TimeUnit.SECONDS), "the loop slept through a queued task");
        assertFalse(channel.isOpen());
    }

    /** A channel closed through the loop releases its port before the close returns. */
    @Test
    void closeReleasesThePortAtOnce() throws Exception {
        DatagramChannel channel = DatagramChannel.open();
        channel.configureBlocking(false);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        CompletableFuture<Integer> reboundPort = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                SelectionKey key = loop.register(channel, SelectionKey.OP_READ, new ChannelHandler() {
                    @Override
                    public void onReady(SelectionKey readyKey) {
                    }

                    @Override
                    public void onLoopShutdown() {
                    }
                });
                loop.close(key, channel);
                try (DatagramChannel again = DatagramChannel.open()) {
                    again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    reboundPort.complete(((InetSocketAddress) again.getLocalAddress()).getPort());
                }
            } catch (Exception e) {
                reboundPort.completeExceptionally(e);
            }
        });
        assertEquals(port, reboundPort.get(5, TimeUnit.SECONDS));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Cancelled timers leave the queue long before their deadline (a connect timeout cancelled
     * by each of thousands of connections must not stay for the whole timeout), and the timers
     * still due run.
     */
    @Test
    void cancelledTimersArePurgedAndTheOthersStillRun() throws Exception {
        CompletableFuture<int[]> sizes = new CompletableFuture<>();
        CountDownLatch dueRan = new CountDownLatch(1);
        loop.execute(() -> {
            List<Timer> cancelled = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                cancelled.add(loop.schedule(3_600_000, () -> { }));
            }
            loop.schedule(10, dueRan::countDown);
            int before = loop.queuedTimers();
            cancelled.forEach(Timer::cancel);
            sizes.complete(new int[] {before, loop.queuedTimers()});
        });
        int[] queued = sizes.get(5, TimeUnit.SECONDS);
        assertEquals(1_001, queued[0]);
        assertTrue(queued[1] < 100, "after cancelling 1,000 of 1,001 timers the queue holds " + queued[1]);
        assertTrue(dueRan.await(5, TimeUnit.SECONDS), "the timer that was not cancelled ran");
    }

    /**
     * Order: the loop's own tasks run in the order it submitted them (STARTTLS: the switch to
     * TLS, then the flush of what was written after it), and before a task that another thread
     * submits once the loop has woken it (a listener completes a future; the waiting thread
     * reconnects: the loop's abort must come first).
     */
    @Test
    void theLoopsOwnTasksKeepTheirOrderAndComeBeforeWhatTheyCausedElsewhere() throws Exception {
        List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> woken = new CompletableFuture<>();
        CountDownLatch all = new CountDownLatch(4);
        loop.execute(() -> {
            loop.execute(() -> {
                ran.add("loop 1");
                all.countDown();
            });
            loop.execute(() -> {
                ran.add("loop 2");
                all.countDown();
            });
            woken.complete(null); // the other thread queues its task as soon as it sees this
            // Hold the loop until that task is queued, so that it waits in the same iteration.
            while (!otherQueued) {
                Thread.onSpinWait();
            }
            loop.execute(() -> {
                ran.add("loop 3");
                all.countDown();
            });
        });
        woken.get(5, TimeUnit.SECONDS);
        loop.execute(() -> {
            ran.add("other");
            all.countDown();
        });
        otherQueued = true;
        assertTrue(all.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("loop 1", "loop 2", "loop 3", "other"), ran);
    }

    private volatile boolean otherQueued;
}
