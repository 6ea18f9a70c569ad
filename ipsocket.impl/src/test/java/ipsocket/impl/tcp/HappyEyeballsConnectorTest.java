package ipsocket.impl.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import ipsocket.impl.loop.EventLoop;
import ipsocket.impl.loop.EventLoopGroup;

/**
 * RFC 8305 connection racing on loopback: a refused address makes way for the next at once; an
 * address that never answers (a listener whose accept queue is full drops SYNs) is raced after
 * the attempt delay, the first to connect wins and the loser is closed.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HappyEyeballsConnectorTest {
    private final EventLoopGroup group = new EventLoopGroup(1);
    private final EventLoop loop = group.next();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<SocketChannel> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        group.close();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void aRefusedAddressGivesWayToTheNextAtOnce() throws Exception {
        InetSocketAddress refused = freePort();
        ServerSocket good = listen();
        InetSocketAddress goodAddress = (InetSocketAddress) good.getLocalSocketAddress();

        Outcome outcome = race(List.of(refused, goodAddress), 5_000);

        assertEquals(goodAddress, outcome.remote.get(10, TimeUnit.SECONDS));
        assertTrue(outcome.millis() < 4_000, "the refused attempt did not wait for the 5 s delay: "
                + outcome.millis() + " ms");
    }

    @Test
    void aSilentAddressIsRacedAfterTheDelayAndClosedWhenTheOtherWins() throws Exception {
        InetSocketAddress silent = silentListener();
        ServerSocket good = listen();
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
        Outcome outcome = race(List.of(freePort(), freePort()), 100);
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

    private ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        closeables.add(server);
        return server;
    }

    private InetSocketAddress freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return (InetSocketAddress) probe.getLocalSocketAddress();
        }
    }

    /** A listener that never accepts, its queue filled so that it drops further SYNs. */
    private InetSocketAddress silentListener() throws IOException {
        ServerSocket silent = new ServerSocket();
        closeables.add(silent);
        silent.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1);
        boolean full = false;
        for (int i = 0; i < 64 && !full; i++) {
            Socket filler = new Socket();
            closeables.add(filler);
            try {
                filler.connect(silent.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException dropped) {
                full = true;
            }
        }
        assumeTrue(full, "this platform completes connections beyond the accept backlog");
        return (InetSocketAddress) silent.getLocalSocketAddress();
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
