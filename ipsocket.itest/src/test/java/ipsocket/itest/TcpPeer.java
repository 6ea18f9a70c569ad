package ipsocket.itest;

import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A loopback TCP server playing the remote end of the sockets under test: one thread with a
 * selector accepts every connection, keeps what each one receives and notes how it ended
 * (end of stream = graceful close, or an error such as a reset). Tests wait on it with
 * deadlines; {@link #close()} closes the server and every connection and stops the thread.
 */
final class TcpPeer implements AutoCloseable {

    /** One accepted connection, seen from the peer's side. */
    static final class Connection {
        private final SocketChannel channel;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private boolean endOfStream;
        private boolean failed;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Connection> connections = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * Opens a server on 127.0.0.1 with an ephemeral port and starts accepting.
     *
     * @throws IOException if the server cannot be opened
     */
    TcpPeer() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "itest-tcp-peer-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the server's port */
    int port() {
        return server.socket().getLocalPort();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (running) {
            try {
                selector.select(500);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key, buffer);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    e.printStackTrace();
                }
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel accepted;
        while ((accepted = server.accept()) != null) {
            accepted.configureBlocking(false);
            Connection connection = new Connection(accepted);
            accepted.register(selector, SelectionKey.OP_READ, connection);
            update(() -> connections.add(connection));
        }
    }

    private void read(SelectionKey key, ByteBuffer buffer) {
        Connection connection = (Connection) key.attachment();
        buffer.clear();
        int count;
        try {
            count = connection.channel.read(buffer);
        } catch (IOException e) {
            key.cancel();
            closeQuietly(connection.channel);
            update(() -> connection.failed = true);
            return;
        }
        if (count < 0) {
            key.cancel();
            closeQuietly(connection.channel);
            update(() -> connection.endOfStream = true);
        } else if (count > 0) {
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            update(() -> connection.received.writeBytes(bytes));
        }
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private <T> T read(java.util.function.Supplier<T> query) {
        lock.lock();
        try {
            return query.get();
        } finally {
            lock.unlock();
        }
    }

    /** @return how many connections were accepted so far */
    int connectionCount() {
        return read(connections::size);
    }

    /** @return how many connections ended with an end of stream (the other side closed gracefully) */
    int endOfStreamCount() {
        return read(() -> (int) connections.stream().filter(c -> c.endOfStream).count());
    }

    /** @return how many connections ended with an error, such as a reset */
    int failedCount() {
        return read(() -> (int) connections.stream().filter(c -> c.failed).count());
    }

    /** @return how many accepted connections are still open */
    int openCount() {
        return read(() -> (int) connections.stream().filter(c -> !c.endOfStream && !c.failed).count());
    }

    /**
     * @param connection a connection of this peer
     * @return whether the other side closed it gracefully
     */
    boolean endOfStream(Connection connection) {
        return read(() -> connection.endOfStream);
    }

    /**
     * @param connection a connection of this peer
     * @return whether it is still open
     */
    boolean isOpen(Connection connection) {
        return read(() -> !connection.endOfStream && !connection.failed);
    }

    /**
     * @param connection a connection of this peer
     * @return what it received so far, as UTF-8
     */
    String receivedText(Connection connection) {
        return read(() -> new String(connection.received.toByteArray(), StandardCharsets.UTF_8));
    }

    /**
     * Waits for the connection with the given index (0 = the first one accepted).
     *
     * @param index the index
     * @param timeout the deadline
     * @return the connection
     * @throws InterruptedException if interrupted
     */
    Connection awaitConnection(int index, Duration timeout) throws InterruptedException {
        await(() -> connections.size() > index, timeout, "connection #" + (index + 1) + " to port " + port());
        return read(() -> connections.get(index));
    }

    /**
     * Waits until a connection has received the given text (as its whole content so far, or
     * more).
     *
     * @param connection the connection
     * @param expected the text expected at the end of what it received
     * @param timeout the deadline
     * @throws InterruptedException if interrupted
     */
    void awaitReceived(Connection connection, String expected, Duration timeout) throws InterruptedException {
        await(() -> new String(connection.received.toByteArray(), StandardCharsets.UTF_8).endsWith(expected),
                timeout, "peer to receive '" + expected + "'");
    }

    /**
     * Waits until a condition on this peer's connections holds; the condition runs under the
     * peer's lock, so it may read connection fields directly.
     *
     * @param condition the condition
     * @param timeout the deadline
     * @param description what is awaited, for the failure message
     * @throws InterruptedException if interrupted
     */
    void await(BooleanSupplier condition, Duration timeout, String description) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                if (remaining <= 0) {
                    fail("Timed out after " + timeout + " waiting for " + description + " (accepted "
                            + connections.size() + ")");
                }
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends bytes to the socket under test over a connection.
     *
     * @param connection the connection
     * @param bytes the bytes
     * @throws IOException if the connection fails
     */
    void send(Connection connection, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (buffer.hasRemaining()) {
            if (connection.channel.write(buffer) == 0 && System.nanoTime() - deadline > 0) {
                throw new IOException("peer cannot send: the socket under test does not read");
            }
        }
    }

    /**
     * Sends text as UTF-8.
     *
     * @param connection the connection
     * @param text the text
     * @throws IOException if the connection fails
     */
    void send(Connection connection, String text) throws IOException {
        send(connection, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes the server and every connection, and stops the thread. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(server);
        for (Connection connection : read(() -> new ArrayList<>(connections))) {
            closeQuietly(connection.channel);
        }
        closeQuietly(selector);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
