package ipsocket.impl.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.impl.loop.EventLoop;
import ipsocket.impl.testing.Loopback;
import ipsocket.impl.testing.SocketFixture;

/**
 * RFC 8305 connection racing on loopback: a refused address makes way for the next at once; an
 * address that never answers (a listener whose accept queue is full drops SYNs) is raced after
 * the attempt delay, the first to connect wins and the loser is closed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HappyEyeballsConnectorTest {
    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private final EventLoop loop = fixture.loops().next();
    private final List<SocketChannel> opened = new CopyOnWriteArrayList<>();

    @Test
    void aRefusedAddressGivesWayToTheNextAtOnce() throws Exception {
        InetSocketAddress refused = Loopback.freeTcpAddress();
        ServerSocket good = fixture.listen(10);
        InetSocketAddress goodAddress = (InetSocketAddress) good.getLocalSocketAddress();

        Outcome outcome = race(List.of(refused, goodAddress), 5_000);

        assertEquals(goodAddress, outcome.remote.get(10, TimeUnit.SECONDS));
        assertTrue(outcome.millis() < 4_000, "the refused attempt did not wait for the 5 s delay: "
                + outcome.millis() + " ms");
    }

    @Test
    void aSilentAddressIsRacedAfterTheDelayAndClosedWhenTheOtherWins() throws Exception {
        InetSocketAddress silent = (InetSocketAddress) fixture.silentListener().getLocalSocketAddress();
        ServerSocket good = fixture.listen(10);
        InetSocketAddress goodAddress = (InetSocketAddress) good.getLocalSocketAddress();

        Outcome outcome = race(List.of(silent, goodAddress), 200);

        assertEquals(goodAddress, outcome.remote.get(10, TimeUnit.SECONDS));
        assertTrue(outcome.millis() >= 150, "the second attempt started after the delay: " + outcome.millis());
        assertEquals(2, opened.size(), "one attempt per address");
        assertFalse(opened.get(0).isOpen(), "the losing attempt is closed");
        assertTrue(opened.get(1).isOpen(), "the winner stays open");
    }

    @Test
    void everyAddressRefusedReportsTheFailure() throws Exception {
        Outcome outcome = race(List.of(Loopback.freeTcpAddress(), Loopback.freeTcpAddress()), 100);
        Exception failure = outcome.failure.get(10, TimeUnit.SECONDS);
        assertTrue(String.valueOf(failure.getMessage()).toLowerCase().contains("refused"), failure.toString());
        assertFalse(outcome.remote.isDone());
    }

    private Outcome race(List<InetSocketAddress> targets, long delayMillis) {
        Outcome outcome = new Outcome();
        loop.execute(() -> {
            outcome.started = System.nanoTime();
            new HappyEyeballsConnector(loop, targets, delayMillis, target -> {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                opened.add(channel);
                return channel;
            }, new HappyEyeballsConnector.Outcome() {
                @Override
                public void connected(SocketChannel channel, SelectionKey key) {
                    outcome.finished = System.nanoTime();
                    try {
                        outcome.remote.complete((InetSocketAddress) channel.getRemoteAddress());
                    } catch (IOException e) {
                        outcome.remote.completeExceptionally(e);
                    }
                }

                @Override
                public void failed(Exception failure, InetSocketAddress target) {
                    outcome.failure.complete(failure);
                }
            }).start();
        });
        return outcome;
    }

    private static final class Outcome {
        final CompletableFuture<InetSocketAddress> remote = new CompletableFuture<>();
        final CompletableFuture<Exception> failure = new CompletableFuture<>();
        volatile long started;
        volatile long finished;

        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(finished - started);
        }
    }
}
