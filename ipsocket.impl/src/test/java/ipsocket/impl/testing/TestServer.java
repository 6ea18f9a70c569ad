package ipsocket.impl.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A blocking loopback TCP peer for the socket tests: accepts on its own thread, and echoes,
 * sinks (counting and hashing what it receives) or stays idle on each accepted connection;
 * a connection can also send given bytes, close, or reset. The server can stop and restart on
 * the same port. Every thread it starts is named {@code testserver-<n>-...} and joined by
 * {@link #close()}.
 */
public final class TestServer implements AutoCloseable {

    /** What the server does with an accepted connection. */
    public enum Mode {
        /** Sends back everything it receives. */
        ECHO,
        /** Reads everything, counting the bytes and hashing them with SHA-256. */
        SINK,
        /** Never reads (until {@link Connection#startSinking()}), for backpressure tests. */
        IDLE
    }

    private static final AtomicInteger SERVER_IDS = new AtomicInteger();
    private static final Duration JOIN_DEADLINE = Duration.ofSeconds(5);

    private final InetAddress address;
    private final String name;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final AtomicInteger threadIds = new AtomicInteger();
    private final AtomicInteger acceptedCount = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Connection> unclaimed = new LinkedBlockingQueue<>();
    private final Object lifecycle = new Object();
    private volatile Mode mode;
    private volatile int port;
    private ServerSocket server;
    private Thread acceptThread;

    private TestServer(InetAddress address, Mode mode, int sendBufferSize, int receiveBufferSize) {
        this.address = address;
        this.mode = mode;
        this.sendBufferSize = sendBufferSize;
        this.receiveBufferSize = receiveBufferSize;
        this.name = "testserver-" + SERVER_IDS.incrementAndGet();
    }

    /**
     * Starts a server on 127.0.0.1 on a port chosen by the operating system.
     *
     * @param mode what to do with accepted connections
     * @return the running server
     */
    public static TestServer start(Mode mode) {
        return start(ipv4Loopback(), mode);
    }

    /**
     * Starts a server on a loopback address on a port chosen by the operating system.
     *
     * @param address 127.0.0.1 or ::1
     * @param mode what to do with accepted connections
     * @return the running server
     */
    public static TestServer start(InetAddress address, Mode mode) {
        return start(address, mode, 0, 0);
    }

    /**
     * Starts a server with small socket buffers on its accepted connections, so that little
     * data is in flight when one end stops reading.
     *
     * @param address 127.0.0.1 or ::1
     * @param mode what to do with accepted connections
     * @param sendBufferSize {@code SO_SNDBUF} of accepted connections, 0 for the default
     * @param receiveBufferSize {@code SO_RCVBUF} of accepted connections, 0 for the default
     * @return the running server
     */
    public static TestServer start(InetAddress address, Mode mode, int sendBufferSize,
            int receiveBufferSize) {
        TestServer testServer = new TestServer(address, mode, sendBufferSize, receiveBufferSize);
        synchronized (testServer.lifecycle) {
            try {
                testServer.bind(0);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start test server on " + address, e);
            }
        }
        return testServer;
    }

    /** @return the address 127.0.0.1 */
    public static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Returns the IPv6 loopback address if a server can listen on it here.
     *
     * @return ::1, or {@code null} when IPv6 loopback is not available
     */
    public static InetAddress ipv6LoopbackOrNull() {
        try {
            InetAddress v6 = InetAddress.getByName("::1");
            new ServerSocket(0, 1, v6).close();
            return v6;
        } catch (IOException unavailable) {
            return null;
        }
    }

    /**
     * Returns a port on 127.0.0.1 that nothing listens on: bound by the operating system, then
     * released.
     *
     * @return the port
     */
    public static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, ipv4Loopback())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- accessors ----

    /** @return the port the server listens (or listened) on */
    public int port() {
        return port;
    }

    /** @return the address the server listens on */
    public InetAddress address() {
        return address;
    }

    /** @return the listening address as an IP literal, for {@code setHostname} */
    public String host() {
        return address.getHostAddress();
    }

    /**
     * Sets what the server does with connections accepted from now on.
     *
     * @param newMode the mode
     */
    public void setMode(Mode newMode) {
        this.mode = newMode;
    }

    /** @return how many connections were accepted since start */
    public int acceptedCount() {
        return acceptedCount.get();
    }

    /** @return every connection accepted so far, open or closed */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    /**
     * Waits for the next accepted connection not yet returned by this method.
     *
     * @param timeout the deadline
     * @return the connection
     */
    public Connection awaitConnection(Duration timeout) {
        try {
            Connection next = unclaimed.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (next == null) {
                fail(name + " accepted no connection within " + timeout.toMillis() + " ms");
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted waiting for a connection", e);
        }
    }

    // ---- lifecycle ----

    /**
     * Stops listening and closes every accepted connection (the peer sees the close); the
     * port can be listened on again with {@link #restart()}.
     */
    public void stop() {
        synchronized (lifecycle) {
            if (server != null) {
                closeQuietly(server);
                join(acceptThread);
                server = null;
                acceptThread = null;
            }
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    /**
     * Listens again on the same port after {@link #stop()} ({@code SO_REUSEADDR}), retrying
     * for a few seconds while the port is still held.
     */
    public void restart() {
        synchronized (lifecycle) {
            if (server != null) {
                throw new IllegalStateException(name + " is running");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (true) {
                try {
                    bind(port);
                    return;
                } catch (BindException inUse) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw new UncheckedIOException("Cannot listen again on port " + port, inUse);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(
                            TimeUnit.MILLISECONDS.toNanos(20));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /**
     * Stops the server, closes every connection and joins every thread it started; fails if a
     * thread does not end within a few seconds.
     */
    @Override
    public void close() {
        stop();
        List<String> alive = new ArrayList<>();
        long deadline = System.nanoTime() + JOIN_DEADLINE.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                alive.add(thread.getName());
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException(name + ": threads still running after close: " + alive);
        }
    }

    private void bind(int requestedPort) throws IOException {
        ServerSocket listening = new ServerSocket();
        try {
            listening.setReuseAddress(true);
            if (receiveBufferSize > 0) {
                listening.setReceiveBufferSize(receiveBufferSize);
            }
            listening.bind(new InetSocketAddress(address, requestedPort), 50);
        } catch (IOException e) {
            closeQuietly(listening);
            throw e;
        }
        port = listening.getLocalPort();
        server = listening;
        acceptThread = startThread("accept", () -> acceptLoop(listening));
    }

    private void acceptLoop(ServerSocket listening) {
        while (!listening.isClosed()) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                if (listening.isClosed()) {
                    return;
                }
                continue; // a connection that failed before it was accepted: keep serving the next
            }
            Connection connection = new Connection(socket, acceptedCount.incrementAndGet());
            try {
                if (sendBufferSize > 0) {
                    socket.setSendBufferSize(sendBufferSize);
                }
                if (receiveBufferSize > 0) {
                    socket.setReceiveBufferSize(receiveBufferSize);
                }
            } catch (SocketException e) {
                connection.close();
                continue;
            }
            connections.add(connection);
            unclaimed.add(connection);
            prune();
            connection.begin(mode);
            if (listening.isClosed()) {
                connection.close();
            }
        }
    }

    private void prune() {
        // keep the thread list short across hundreds of connections (the leak test)
        threads.removeIf(t -> !t.isAlive() && t.getState() == Thread.State.TERMINATED);
    }

    private Thread startThread(String role, Runnable body) {
        Thread thread = new Thread(body, name + "-" + role + "-" + threadIds.incrementAndGet());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private static void join(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(JOIN_DEADLINE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing test resources: nothing useful to do
        }
    }

    @Override
    public String toString() {
        return name + "[" + address.getHostAddress() + ":" + port + "]";
    }

    /** One accepted connection. */
    public final class Connection {
        private final Socket socket;
        private final int index;
        private final Object writeLock = new Object();
        private final AtomicLong received = new AtomicLong();
        private final MessageDigest digest = TestData.newSha256();
        private volatile boolean reading;
        private volatile boolean ended;
        private volatile boolean eof;
        private volatile IOException readFailure;
        private volatile boolean closedHere;

        private Connection(Socket socket, int index) {
            this.socket = socket;
            this.index = index;
        }

        private void begin(Mode startMode) {
            if (startMode != Mode.IDLE) {
                startReading(startMode == Mode.ECHO);
            }
        }

        /** @return the accepted socket (for its addresses and options) */
        public Socket socket() {
            return socket;
        }

        /** @return the client's port as seen by the server */
        public int remotePort() {
            return socket.getPort();
        }

        /**
         * Starts reading and discarding (counting and hashing) on an {@link Mode#IDLE}
         * connection; does nothing if it already reads.
         */
        public synchronized void startSinking() {
            if (!reading) {
                startReading(false);
            }
        }

        private void startReading(boolean echo) {
            reading = true;
            startThread("conn-" + index, () -> readLoop(echo));
        }

        private void readLoop(boolean echo) {
            byte[] buffer = new byte[64 * 1024];
            try {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (this) {
                        digest.update(buffer, 0, n);
                        received.addAndGet(n);
                    }
                    if (echo) {
                        synchronized (writeLock) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    }
                }
                eof = true;
            } catch (IOException e) {
                if (!closedHere) {
                    readFailure = e;
                }
            } finally {
                ended = true;
                closeQuietly(socket);
            }
        }

        /** @return how many bytes this connection has read */
        public long received() {
            return received.get();
        }

        /** @return the SHA-256 (hex) of the bytes read so far */
        public synchronized String sha256() {
            try {
                return TestData.hex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }

        /** @return whether reading ended with a clean end of stream (the peer's FIN) */
        public boolean sawEof() {
            return eof;
        }

        /** @return whether reading has ended (end of stream, reset or local close) */
        public boolean ended() {
            return ended;
        }

        /** @return the error that ended reading (for example a reset), or {@code null} */
        public IOException readFailure() {
            return readFailure;
        }

        /**
         * Waits until this connection has read at least {@code bytes} bytes.
         *
         * @param bytes the count
         * @param timeout the deadline
         */
        public void awaitReceived(long bytes, Duration timeout) {
            Await.until(() -> received.get() >= bytes || (ended && received.get() < bytes),
                    timeout, () -> "peer to receive " + bytes + " bytes, has " + received.get());
            if (received.get() < bytes) {
                fail("peer stopped reading at " + received.get() + " of " + bytes + " bytes"
                        + (readFailure == null ? " (end of stream)" : ": " + readFailure));
            }
        }

        /**
         * Waits until reading has ended: the client closed or reset the connection.
         *
         * @param timeout the deadline
         */
        public void awaitEnd(Duration timeout) {
            Await.until(() -> ended, timeout, () -> "peer to see the connection end, read "
                    + received.get() + " bytes");
        }

        /**
         * Sends bytes and flushes, blocking until the operating system took them.
         *
         * @param data the bytes
         */
        public void send(byte[] data) {
            try {
                synchronized (writeLock) {
                    OutputStream out = socket.getOutputStream();
                    out.write(data);
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Sends text as UTF-8.
         *
         * @param text the text
         */
        public void send(String text) {
            send(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /**
         * Sends bytes one at a time with {@code TCP_NODELAY}, flushing after each, so they
         * arrive in many small pieces.
         *
         * @param data the bytes
         */
        public void sendByteByByte(byte[] data) {
            try {
                socket.setTcpNoDelay(true);
                for (byte b : data) {
                    send(new byte[] {b});
                }
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Sends bytes in chunks on a thread of its own.
         *
         * @param data the bytes
         * @param chunkSize the size of each write
         * @return the sender, to follow its progress
         */
        public Sender sendAsync(byte[] data, int chunkSize) {
            Sender sender = new Sender();
            startThread("send-" + index, () -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int offset = 0; offset < data.length; offset += chunkSize) {
                        int n = Math.min(chunkSize, data.length - offset);
                        synchronized (writeLock) {
                            out.write(data, offset, n);
                        }
                        sender.sent.addAndGet(n);
                    }
                    out.flush();
                } catch (IOException e) {
                    sender.failure = e;
                } finally {
                    sender.done = true;
                }
            });
            return sender;
        }

        /** Half-closes: sends FIN, keeps reading. */
        public void shutdownOutput() {
            try {
                socket.shutdownOutput();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Closes the connection (FIN, or RST if unread data is pending). */
        public void close() {
            closedHere = true;
            closeQuietly(socket);
        }

        /** Resets the connection: {@code SO_LINGER} 0 and close, so the peer gets an RST. */
        public void reset() {
            closedHere = true;
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already closed
            }
            closeQuietly(socket);
        }

        /** @return whether this side closed the socket */
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public String toString() {
            return name + "-conn-" + index;
        }
    }

    /** The progress of a {@link Connection#sendAsync} transfer. */
    public static final class Sender {
        private final AtomicLong sent = new AtomicLong();
        private volatile boolean done;
        private volatile IOException failure;

        /** @return how many bytes the operating system has taken so far */
        public long sent() {
            return sent.get();
        }

        /** @return whether the transfer finished or failed */
        public boolean done() {
            return done;
        }

        /** @return the error that stopped the transfer, or {@code null} */
        public IOException failure() {
            return failure;
        }

        /**
         * Waits until the transfer is over and fails if it did not complete.
         *
         * @param timeout the deadline
         */
        public void awaitDone(Duration timeout) {
            Await.until(() -> done, timeout, () -> "peer to finish sending, sent " + sent.get());
            if (failure != null) {
                throw new AssertionError("peer failed to send after " + sent.get() + " bytes",
                        failure);
            }
        }
    }
}
