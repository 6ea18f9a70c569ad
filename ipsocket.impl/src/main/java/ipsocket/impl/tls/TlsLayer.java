package ipsocket.impl.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import ipsocket.impl.tcp.StreamLayer;

/**
 * TLS as a byte layer of a TCP connection: a JDK {@link SSLEngine} driven on the socket's loop
 * thread, its delegated tasks (certificate checks, key exchange) run on the TLS task executor
 * and resumed on the loop, so no thread waits for the peer.
 *
 * <p>Buffers: {@code netIn} holds bytes read from the channel and not yet decoded, {@code appIn}
 * decoded bytes the socket's read buffer has no room for yet, {@code netOut} encoded bytes the
 * OS did not take yet. Each is one record or more (about 150 KB together). They are taken from
 * the {@link TlsBufferPool} when a step (handshake, read, write, close) begins and given back at
 * its end when empty, so an idle connection holds none and a busy one allocates nothing.
 */
final class TlsLayer implements StreamLayer {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SslSocketImpl socket;
    private final SSLEngine engine;
    private final Executor tasks;
    private final long handshakeTimeoutMillis;
    /** What the trust check found wrong, for the errorString and sslErrors. */
    private final TlsVerifier verifier;

    private SocketChannel channel;
    private Runnable resume;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    /** The buffers' capacities, from the session's sizes. */
    private int netCapacity;
    private int appCapacity;
    /** The first handshake was begun (it may have ended off the loop, in the steps after a task). */
    private boolean begun;
    private boolean handshakeDone;
    /** Delegated tasks (and the steps after them) run on the TLS task executor: the buffers are theirs meanwhile. */
    private boolean taskRunning;
    /** A failure of the steps run after the tasks, off the loop; thrown by the next handshake step on the loop. */
    private SSLException offLoopFailure;
    private boolean inboundDone;
    private boolean cleanEnd;
    private boolean closeQueued;
    private boolean released;
    /** The last read stopped because the reader had no room, not for want of network bytes. */
    private boolean stoppedForRoom;

    TlsLayer(SslSocketImpl socket, SSLEngine engine, TlsVerifier verifier, Executor tasks, long handshakeTimeoutMillis) {
        this.socket = socket;
        this.engine = engine;
        this.verifier = verifier;
        this.tasks = tasks;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    public void start(SocketChannel connected, Runnable onTaskDone) {
        this.channel = connected;
        this.resume = onTaskDone;
        // room for a few records each way: one system call moves several
        netCapacity = engine.getSession().getPacketBufferSize() * 4;
        appCapacity = engine.getSession().getApplicationBufferSize();
        socket.layerStarted(this);
    }

    /** Takes the buffers this layer gave back, at the start of a step. */
    private void takeBuffers() {
        if (netIn == null) {
            netIn = TlsBufferPool.take(netCapacity);
        }
        if (appIn == null) {
            appIn = TlsBufferPool.take(appCapacity);
        }
        if (netOut == null) {
            netOut = TlsBufferPool.take(netCapacity);
        }
    }

    /** Gives back the buffers left empty, at the end of a step: what holds bytes stays. */
    private void giveEmptyBuffers() {
        if (taskRunning) {
            return; // the task's thread goes on with them
        }
        if (netIn != null && netIn.position() == 0) {
            TlsBufferPool.give(netIn);
            netIn = null;
        }
        if (appIn != null && appIn.position() == 0) {
            TlsBufferPool.give(appIn);
            appIn = null;
        }
        if (netOut != null && netOut.position() == 0) {
            TlsBufferPool.give(netOut);
            netOut = null;
        }
    }

    /**
     * Returns the bytes of buffer this layer holds now (for the memory test).
     *
     * @return the capacities held
     */
    int heldBufferBytes() {
        return (netIn == null ? 0 : netIn.capacity()) + (appIn == null ? 0 : appIn.capacity())
                + (netOut == null ? 0 : netOut.capacity());
    }

    SSLEngine engine() {
        return engine;
    }

    // ---- handshake ----------------------------------------------------------------------------

    @Override
    public Step handshake() throws IOException {
        if (released) {
            return Step.READ;
        }
        takeBuffers();
        try {
            return handshakeStep();
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            throw alertBehind(e);
        } finally {
            giveEmptyBuffers();
        }
    }

    /**
     * A peer that refuses the handshake sends an alert and closes; when our next flight is
     * already on its way, that write fails (broken pipe, reset) before the alert was read. The
     * alert says why, so it is read and decoded before the write failure is reported.
     *
     * @param transportFailure the failure of the write or read
     * @return the alert the peer sent, with the transport failure suppressed in it, or the
     *         transport failure when no alert is there
     */
    private IOException alertBehind(IOException transportFailure) {
        try {
            for (int steps = 0; steps < 16; steps++) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status == HandshakeStatus.NEED_WRAP) {
                    // the rest of our flight: the engine reads nothing before it has written it,
                    // and the connection cannot carry it, so it is made and dropped
                    netOut.clear();
                    engine.wrap(EMPTY, netOut);
                } else if (status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                    if (unwrapNetIn().getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(netIn) <= 0) {
                        break;
                    }
                } else {
                    break; // a task or the end: no alert to find without waiting
                }
            }
        } catch (SSLException alert) {
            alert.addSuppressed(transportFailure);
            return alert;
        } catch (IOException | RuntimeException e) {
            // nothing readable is left: the transport failure is all there is
        }
        netOut.clear();
        return transportFailure;
    }

    private Step handshakeStep() throws IOException {
        if (!begun && !closeQueued) {
            begun = true;
            engine.beginHandshake();
        }
        while (true) {
            if (taskRunning) {
                return Step.TASK;
            }
            if (offLoopFailure != null) {
                SSLException failure = offLoopFailure;
                offLoopFailure = null;
                sendAlert();
                throw failure;
            }
            if (!flushNet()) {
                return Step.WRITE;
            }
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_TASK:
                    runTasks();
                    continue;
                case NEED_WRAP:
                    wrapHandshake();
                    continue;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    if (!unwrapHandshake()) {
                        return Step.READ;
                    }
                    continue;
                default:
                    handshakeDone = true;
                    return Step.DONE;
            }
        }
    }

    private void wrapHandshake() throws IOException {
        SSLEngineResult result;
        try {
            result = engine.wrap(EMPTY, netOut);
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            netOut = grow(netOut, engine.getSession().getPacketBufferSize());
        } else if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            flushNet();
            throw new SSLHandshakeException("the TLS engine closed during the handshake");
        }
    }

    /** Unwraps one handshake record; {@code false} when more bytes from the peer are needed and none are there. */
    private boolean unwrapHandshake() throws IOException {
        SSLEngineResult result;
        try {
            result = unwrapNetIn();
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
        switch (result.getStatus()) {
            case BUFFER_UNDERFLOW:
                if (!netIn.hasRemaining()) {
                    netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                }
                int count = channel.read(netIn);
                if (count < 0) {
                    throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
                }
                return count > 0;
            case BUFFER_OVERFLOW:
                appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                return true;
            case CLOSED:
                throw new SSLHandshakeException("the peer ended the TLS session (close_notify) during the handshake");
            default:
                return true;
        }
    }

    /** Decodes what {@code netIn} holds into {@code appIn}; {@code netIn} keeps what is left, failure or not. */
    private SSLEngineResult unwrapNetIn() throws SSLException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
    }

    /** Sends the alert the engine queued after a failure, so the peer learns why; best effort. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                engine.wrap(EMPTY, netOut);
            }
            flushNet();
        } catch (IOException | RuntimeException e) {
            // the handshake failed already; the alert is a courtesy
        }
    }

    /**
     * Runs the engine's delegated tasks on the TLS task executor, and there also the steps that
     * follow them and need no network: records already read are decoded (their tasks run there
     * too) and the answer is made, so a flight of several messages costs one trip off the loop
     * and back, not one per message. The loop resumes the handshake when the thread is done.
     */
    private void runTasks() throws SSLException {
        Runnable first = engine.getDelegatedTask();
        if (first == null) {
            return;
        }
        taskRunning = true;
        Runnable onLoop = () -> {
            taskRunning = false;
            if (released) {
                giveAllBuffers(); // released while the task ran: the buffers were still in use
            } else {
                resume.run();
            }
        };
        try {
            tasks.execute(() -> {
                try {
                    runDelegatedTasks(first);
                    advanceWithoutNetwork();
                } finally {
                    socket.loop().execute(onLoop);
                }
            });
        } catch (RejectedExecutionException e) {
            taskRunning = false;
            throw new SSLException("no thread for the TLS engine's task (the task queue is full or stopped)", e);
        }
    }

    private void runDelegatedTasks(Runnable first) {
        for (Runnable task = first; task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    /**
     * The handshake steps that need neither a read nor a write of the channel, on the task's
     * thread; stops where the loop must act (bytes to read or send, a buffer to grow, the end).
     * A failure is kept for the loop, which sends the alert and reports it.
     */
    private void advanceWithoutNetwork() {
        try {
            for (int steps = 0; steps < 64; steps++) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks(engine.getDelegatedTask());
                } else if (status == HandshakeStatus.NEED_WRAP) {
                    if (netOut.remaining() < engine.getSession().getPacketBufferSize()
                            || engine.wrap(EMPTY, netOut).getStatus() != SSLEngineResult.Status.OK) {
                        return;
                    }
                } else if (status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                    if (status == HandshakeStatus.NEED_UNWRAP && netIn.position() == 0) {
                        return;
                    }
                    if (unwrapNetIn().getStatus() != SSLEngineResult.Status.OK) {
                        return;
                    }
                } else {
                    return;
                }
            }
        } catch (SSLException e) {
            offLoopFailure = e;
        } catch (RuntimeException e) {
            offLoopFailure = new SSLException("the TLS engine failed: " + e, e);
        }
    }

    @Override
    public boolean ready() {
        return handshakeDone && !released && !taskRunning
                && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public void established() {
        socket.encryptedNow(this);
    }

    @Override
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    // ---- application bytes ---------------------------------------------------------------------

    @Override
    public int read(ByteBuffer target) throws IOException {
        takeBuffers();
        try {
            return readStep(target);
        } finally {
            giveEmptyBuffers();
        }
    }

    private int readStep(ByteBuffer target) throws IOException {
        int total = 0;
        stoppedForRoom = false;
        while (true) {
            if (appIn.position() > 0) {
                total += drainAppIn(target);
                if (!target.hasRemaining()) {
                    stoppedForRoom = true;
                    break;
                }
            }
            if (inboundDone || !ready()) {
                break; // the end, or a key update or new handshake to do first
            }
            if (netIn.position() > 0) {
                SSLEngineResult.Status status = unwrapNetIn().getStatus();
                if (status == SSLEngineResult.Status.CLOSED) {
                    inboundDone = true;
                    cleanEnd = true;
                    continue;
                }
                if (status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    continue;
                }
                if (status == SSLEngineResult.Status.OK) {
                    continue;
                }
                if (!netIn.hasRemaining()) {
                    netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                }
            }
            int count = channel.read(netIn);
            if (count < 0) {
                inboundDone = true;
                try {
                    engine.closeInbound(); // throws: the peer did not send close_notify
                    cleanEnd = true;
                } catch (SSLException truncated) {
                    cleanEnd = false;
                }
            } else if (count == 0) {
                break;
            }
        }
        if (total == 0 && inboundDone && appIn.position() == 0) {
            return -1;
        }
        return total;
    }

    private int drainAppIn(ByteBuffer target) {
        appIn.flip();
        int count = Math.min(appIn.remaining(), target.remaining());
        ByteBuffer slice = appIn.duplicate();
        slice.limit(slice.position() + count);
        target.put(slice);
        appIn.position(appIn.position() + count);
        appIn.compact();
        return count;
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        takeBuffers();
        try {
            return writeStep(sources, offset, length);
        } finally {
            giveEmptyBuffers();
        }
    }

    private long writeStep(ByteBuffer[] sources, int offset, int length) throws IOException {
        long taken = 0;
        int packet = engine.getSession().getPacketBufferSize();
        while (ready() && remaining(sources, offset, length) > 0) {
            // records gather in netOut and go to the OS together: one write for several records
            if (netOut.remaining() < packet) {
                flushNet();
                if (netOut.remaining() < packet) {
                    break; // the OS takes no more now
                }
            }
            SSLEngineResult result = engine.wrap(sources, offset, length, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = grow(netOut, packet); // a record larger than the session said
                continue;
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the TLS session is closed for writing (the peer ended it)");
            }
            taken += result.bytesConsumed();
        }
        flushNet();
        return taken;
    }

    private static long remaining(ByteBuffer[] sources, int offset, int length) {
        long sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += sources[i].remaining();
        }
        return sum;
    }

    /** Hands encoded bytes to the OS; {@code true} when none are left. */
    private boolean flushNet() throws IOException {
        if (netOut == null || netOut.position() == 0) {
            return true;
        }
        netOut.flip();
        try {
            channel.write(netOut);
        } finally {
            netOut.compact();
        }
        return netOut.position() == 0;
    }

    @Override
    public void flushOutput() throws IOException {
        try {
            flushNet();
        } finally {
            giveEmptyBuffers();
        }
    }

    @Override
    public boolean hasPendingOutput() {
        return !taskRunning && netOut != null && netOut.position() > 0;
    }

    @Override
    public boolean hasBufferedInput() {
        return !taskRunning && (appIn != null && appIn.position() > 0 || stoppedForRoom && netIn != null && netIn.position() > 0);
    }

    // ---- the end ------------------------------------------------------------------------------

    @Override
    public boolean closeOutput() {
        takeBuffers();
        try {
            return closeStep();
        } finally {
            giveEmptyBuffers();
        }
    }

    private boolean closeStep() {
        try {
            if (!closeQueued) {
                closeQueued = true;
                engine.closeOutbound();
            }
            for (int i = 0; i < 8 && !engine.isOutboundDone(); i++) {
                if (!flushNet()) {
                    return false;
                }
                SSLEngineResult result = engine.wrap(EMPTY, netOut);
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    return false;
                }
            }
            return flushNet();
        } catch (IOException | RuntimeException e) {
            return true; // the connection is gone: nothing more to send
        }
    }

    @Override
    public boolean endedCleanly() {
        return cleanEnd;
    }

    @Override
    public Failure describe(IOException failure, String during) {
        return TlsFailures.describe(socket, verifier, engine, failure, handshakeDone ? during : "handshake");
    }

    @Override
    public void release() {
        if (!released) {
            released = true;
            socket.layerEnded(this);
            if (!taskRunning) {
                giveAllBuffers(); // else the task's thread still uses them: given back when it is done
            }
        }
    }

    /** The connection is over: what the buffers still hold is never read. */
    private void giveAllBuffers() {
        for (ByteBuffer buffer : new ByteBuffer[] {netIn, appIn, netOut}) {
            if (buffer != null) {
                TlsBufferPool.give(buffer);
            }
        }
        netIn = null;
        appIn = null;
        netOut = null;
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + atLeast));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
