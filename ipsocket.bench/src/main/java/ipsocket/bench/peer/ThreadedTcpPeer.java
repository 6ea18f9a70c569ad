package ipsocket.bench.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP peer with one blocking thread per connection: the lowest-overhead server for the
 * single-connection modes (sink, line source). Connections are served until they close or the
 * peer is closed.
 */
abstract class ThreadedTcpPeer implements Peer {
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private final String name;
    private volatile boolean closed;

    ThreadedTcpPeer(String name, int port) throws IOException {
        this.name = name;
        server = ServerSocketChannel.open();
        server.bind(Peer.loopback(port), 128);
        acceptor = new Thread(this::acceptLoop, "peer-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("peer " + name + ": accept failed: " + e);
                }
                return;
            }
            open.add(ch);
            Thread t = new Thread(() -> {
                try (ch) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    serve(ch);
                } catch (IOException e) {
                    // the client went away or the peer closed: nothing to do
                } finally {
                    open.remove(ch);
                    workers.remove(Thread.currentThread());
                }
            }, "peer-" + name + "-" + ids.incrementAndGet());
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Serves one connection until it ends; returns or throws to close it. */
    abstract void serve(SocketChannel ch) throws IOException;

    /** Reads exactly {@code buf.remaining()} bytes; false on end of stream. */
    static boolean readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                return false;
            }
        }
        return true;
    }

    static void writeFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (SocketChannel ch : open) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        join(acceptor);
        for (Thread t : workers) {
            join(t);
        }
    }

    private static void join(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
