package ipsocket.bench.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Echo peer for tcp-pingpong and conn-scale: one selector thread for every connection (it must
 * hold 10,000 of them), returning every byte it reads. A connection whose echo cannot be
 * written at once keeps the rest and stops reading until it is written.
 */
public final class EchoPeer implements Peer {
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean closed;

    public EchoPeer(int port) throws IOException {
        server = ServerSocketChannel.open();
        server.bind(Peer.loopback(port), 65535); // the kernel caps it at somaxconn
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "peer-echo");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(this::onReady, 1000);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                System.err.println("peer echo stopped: " + e);
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void onReady(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                SocketChannel ch;
                while ((ch = server.accept()) != null) {
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.register(selector, SelectionKey.OP_READ);
                }
                return;
            }
            SocketChannel ch = (SocketChannel) key.channel();
            if (key.isWritable()) {
                ByteBuffer pending = (ByteBuffer) key.attachment();
                ch.write(pending);
                if (!pending.hasRemaining()) {
                    key.attach(null);
                    key.interestOps(SelectionKey.OP_READ);
                }
                return;
            }
            if (key.isReadable()) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    key.cancel();
                    ch.close();
                    return;
                }
                buf.flip();
                ch.write(buf);
                if (buf.hasRemaining()) {
                    ByteBuffer pending = ByteBuffer.allocate(buf.remaining());
                    pending.put(buf).flip();
                    key.attach(pending);
                    key.interestOps(SelectionKey.OP_WRITE);
                }
            }
        } catch (IOException e) {
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
