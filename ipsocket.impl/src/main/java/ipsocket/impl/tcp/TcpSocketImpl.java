package ipsocket.impl.tcp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.Backoff;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketErrors;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.io.ReadBuffer;
import ipsocket.impl.io.WriteBuffer;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.loop.Timer;

/**
 * A TCP client socket on a shared event loop: the state machine of {@link TcpSocket}.
 *
 * <p>Everything that changes the connection runs on the socket's loop thread; public methods
 * hand work to it. The read and write buffers are the only state shared with callers' threads,
 * each behind its own lock.
 */
public class TcpSocketImpl extends AbstractIpSocket implements TcpSocket {
    /** Reads per readiness event before other sockets get their turn. */
    private static final int READS_PER_EVENT = 4;
    /** How long a graceful close waits for the peer to close its side after our FIN. */
    static final long LINGERING_CLOSE_MILLIS = 5_000;
    /** A connection that lasted this many lower backoff bounds resets the backoff. */
    private static final int STABLE_CONNECTION_FACTOR = 10;

    private static final List<PropertyDef<?>> ENDPOINT = List.of(SocketProperties.HOSTNAME,
            SocketProperties.PORT, SocketProperties.PROTOCOL, SocketProperties.LOCAL_ADDRESS,
            SocketProperties.LOCAL_PORT);

    // Read side, guarded by readLock.
    private final Object readLock = new Object();
    private final ReadBuffer readBuffer = new ReadBuffer();
    private boolean peerClosed;
    private final AtomicBoolean readPaused = new AtomicBoolean();

    // Write side, guarded by writeLock.
    private final Object writeLock = new Object();
    private final WriteBuffer writeBuffer = new WriteBuffer();
    private boolean acceptingWrites;
    /** The connected channel while writes go straight to it; null otherwise. Set under writeLock. */
    private SocketChannel directChannel;
    /** Bytes written straight to the channel and not yet counted and signalled on the loop. */
    private final java.util.concurrent.atomic.AtomicLong unreportedDirectWrites = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = this::runScheduledFlush;


    // Loop-thread state.
    private final Backoff backoff = new Backoff();
    private final ChannelEvents connection = new ChannelEvents();
    private long attemptId;
    private boolean attemptIsAutomatic;
    /** The endpoint the current attempt or connection uses; null while disconnected. */
    private List<Object> activeEndpoint;
    private HappyEyeballsConnector connector;
    private Timer connectTimer;
    private Timer reconnectTimer;
    private Timer lingerTimer;
    private SocketChannel channel;
    private SelectionKey key;
    private long connectedAtNanos;
    private boolean userStopped;
    private boolean disposed;
    private boolean reconnectAfterClose;
    private boolean outputShutdownRequested;
    private boolean outputShut;

    /**
     * Creates a disconnected socket on the next loop of a group.
     *
     * @param group the shared loops
     * @param objectId the socket's name
     */
    public TcpSocketImpl(EventLoopGroup group, String objectId) {
        super(group.next(), group.resolver(), objectId, new PropertyValues(SocketProperties.TCP));
    }

    // ---- connecting ---------------------------------------------------------------------

    @Override
    protected void beginConnect(boolean explicit) {
        if (disposed) {
            return;
        }
        if (explicit) {
            userStopped = false;
        }
        SocketState state = getState();
        if (state != SocketState.DISCONNECTED) {
            boolean joinsAutomaticAttempt = attemptIsAutomatic
                    && (state == SocketState.HOST_LOOKUP || state == SocketState.CONNECTING);
            if (explicit && !joinsAutomaticAttempt) {
                reportError(SocketError.OPERATION_ERROR, "connectToHost() on socket '" + getObjectId()
                        + "' to " + endpoint() + " while it is " + state.seedName());
            }
            return;
        }
        cancelReconnectTimer();
        if (!checkEndpoint()) {
            return;
        }
        long id = ++attemptId;
        attemptIsAutomatic = !explicit;
        activeEndpoint = endpointSnapshot();
        synchronized (readLock) {
            readBuffer.clear();
            peerClosed = false;
        }
        readPaused.set(false);
        connectTimer = loop.schedule(getConnectTimeout(), () -> onConnectTimeout(id));
        changeState(SocketState.HOST_LOOKUP);
        if (id != attemptId) {
            return; // a listener aborted
        }
        lookUp(getHostname(), getProtocol(), (addresses, failure) -> onResolved(id, addresses, failure));
    }

    private void onResolved(long id, List<InetAddress> addresses, Exception failure) {
        if (id != attemptId || getState() != SocketState.HOST_LOOKUP) {
            return;
        }
        if (failure != null) {
            failConnect(SocketError.HOST_NOT_FOUND_ERROR, "Host " + getHostname() + " not found for socket '"
                    + getObjectId() + "' (port " + getPort() + "): " + SocketErrors.reason(failure));
            return;
        }
        int port = getPort();
        List<InetSocketAddress> targets = new ArrayList<>(addresses.size());
        for (InetAddress address : addresses) {
            targets.add(new InetSocketAddress(address, port));
        }
        changeState(SocketState.CONNECTING);
        if (id != attemptId) {
            return;
        }
        connector = new HappyEyeballsConnector(loop, targets, getConnectionAttemptDelay(), this::openChannel,
                new HappyEyeballsConnector.Outcome() {
                    @Override
                    public void connected(SocketChannel winner, SelectionKey winnerKey) {
                        onConnected(id, winner, winnerKey);
                    }

                    @Override
                    public void failed(Exception lastFailure, InetSocketAddress target) {
                        onConnectFailed(id, lastFailure, target);
                    }
                });
        connector.start();
    }

    private SocketChannel openChannel(InetSocketAddress target) throws IOException {
        SocketChannel opened = SocketChannel.open(target.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            opened.configureBlocking(false);
            TcpOptions.applyAll(opened, props, true, this::reportOptionProblem);
            InetSocketAddress local = localBindAddress();
            if (local != null) {
                opened.bind(local);
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private InetSocketAddress localBindAddress() throws IOException {
        boolean anyLocal = props.get(SocketProperties.LOCAL_ADDRESS).isEmpty()
                && props.get(SocketProperties.LOCAL_PORT) == 0;
        return anyLocal ? null : configuredLocalEnd();
    }

    private void onConnected(long id, SocketChannel winner, SelectionKey winnerKey) {
        if (id != attemptId) {
            loop.close(winnerKey, winner);
            return;
        }
        connector = null;
        cancelConnectTimer();
        channel = winner;
        key = winnerKey;
        key.attach(connection);
        key.interestOps(SelectionKey.OP_READ);
        try {
            setEnds((InetSocketAddress) winner.getLocalAddress(), (InetSocketAddress) winner.getRemoteAddress());
        } catch (IOException e) {
            onConnectionError(e);
            return;
        }
        if (localEnd().equals(peerEnd())) {
            // TCP simultaneous open: with nothing listening, a connect from an ephemeral port
            // equal to the target port reaches itself. That is no peer; it would also keep the
            // port from the server that should come back on it.
            InetSocketAddress self = peerEnd();
            connector = null;
            closeChannel();
            failConnect(SocketError.CONNECTION_REFUSED_ERROR, "Connection refused: socket '" + getObjectId()
                    + "' reached itself at " + self + " (nothing listens on " + endpoint() + ")");
            return;
        }
        connectedAtNanos = System.nanoTime();
        outputShutdownRequested = false;
        outputShut = false;
        synchronized (writeLock) {
            acceptingWrites = true;
            directChannel = winner;
        }
        changeState(SocketState.CONNECTED);
        if (id == attemptId) {
            listeners.fire(listener -> listener.connected(this));
        }
    }

    private void onConnectFailed(long id, Exception failure, InetSocketAddress target) {
        if (id != attemptId) {
            return;
        }
        connector = null;
        SocketError error = SocketErrors.classify(failure, false);
        String where = target == null ? endpoint()
                : endpoint() + " (" + target.getAddress().getHostAddress() + ")";
        failConnect(error, describe(error) + ": socket '" + getObjectId() + "' could not connect to " + where
                + ": " + SocketErrors.reason(failure));
    }

    private void onConnectTimeout(long id) {
        SocketState state = getState();
        if (id != attemptId || (state != SocketState.HOST_LOOKUP && state != SocketState.CONNECTING)) {
            return;
        }
        connectTimer = null;
        failConnect(SocketError.SOCKET_TIMEOUT_ERROR, "Connecting socket '" + getObjectId() + "' to "
                + endpoint() + " timed out after " + getConnectTimeout() + " ms"
                + (state == SocketState.HOST_LOOKUP ? " during host lookup" : ""));
    }

    private void failConnect(SocketError error, String text) {
        cancelAttempt();
        reportError(error, text);
        changeState(SocketState.DISCONNECTED);
        scheduleReconnect();
    }

    private void cancelAttempt() {
        attemptId++;
        cancelConnectTimer();
        if (connector != null) {
            connector.cancel();
            connector = null;
        }
    }

    // ---- reconnecting -------------------------------------------------------------------

    private void scheduleReconnect() {
        if (disposed || userStopped || !isAutoConnect() || !endpointValid() || reconnectTimer != null
                || getState() != SocketState.DISCONNECTED) {
            return;
        }
        long delay = backoff.nextDelay(getReconnectMinInterval(), getReconnectMaxInterval());
        reconnectTimer = loop.schedule(delay, () -> {
            reconnectTimer = null;
            if (!userStopped && isAutoConnect()) {
                beginConnect(false);
            }
        });
    }

    private void cancelReconnectTimer() {
        if (reconnectTimer != null) {
            reconnectTimer.cancel();
            reconnectTimer = null;
        }
    }

    private void cancelConnectTimer() {
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
    }

    // ---- closing ------------------------------------------------------------------------

    @Override
    public void disconnectFromHost() {
        synchronized (writeLock) {
            acceptingWrites = false;
        }
        loop.execute(this::beginClose);
    }

    private void beginClose() {
        userStopped = true;
        reconnectAfterClose = false;
        cancelReconnectTimer();
        switch (getState()) {
            case HOST_LOOKUP:
            case CONNECTING:
                cancelAttempt();
                changeState(SocketState.DISCONNECTED);
                break;
            case CONNECTED:
                startClosing();
                break;
            default:
                break;
        }
    }

    /** Enters Closing and closes as soon as every accepted byte is out. */
    private void startClosing() {
        synchronized (writeLock) {
            acceptingWrites = false;
        }
        changeState(SocketState.CLOSING);
        if (channel != null && getState() == SocketState.CLOSING) {
            flushNow();
        }
    }

    private void finishClose() {
        closeChannel();
        changeState(SocketState.DISCONNECTED);
        listeners.fire(listener -> listener.disconnected(this));
        if (reconnectAfterClose && !userStopped && !disposed) {
            reconnectAfterClose = false;
            beginConnect(false);
        } else {
            scheduleReconnect();
        }
    }

    @Override
    public void abort() {
        synchronized (writeLock) {
            acceptingWrites = false;
            writeBuffer.clear();
            writeLock.notifyAll();
        }
        loop.execute(this::abortNow);
    }

    private void abortNow() {
        userStopped = true;
        reconnectAfterClose = false;
        cancelReconnectTimer();
        cancelAttempt();
        boolean wasOpen = channel != null;
        closeChannel();
        changeState(SocketState.DISCONNECTED);
        if (wasOpen) {
            listeners.fire(listener -> listener.disconnected(this));
        }
    }

    @Override
    public final void dispose() {
        abort();
        loop.execute(() -> disposed = true);
    }

    private void closeChannel() {
        if (lingerTimer != null) {
            lingerTimer.cancel();
            lingerTimer = null;
        }
        if (channel != null) {
            discardUnreadInput(channel);
            loop.close(key, channel);
            channel = null;
            key = null;
        }
        synchronized (writeLock) {
            acceptingWrites = false;
            directChannel = null;
            writeBuffer.clear();
            writeLock.notifyAll();
        }
        if (connectedAtNanos != 0) {
            long lasted = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAtNanos);
            if (lasted >= (long) STABLE_CONNECTION_FACTOR * getReconnectMinInterval()) {
                backoff.reset();
            }
            connectedAtNanos = 0;
        }
        setEnds(null, null);
        readPaused.set(false);
    }

    // ---- connection I/O -------------------------------------------------------------------

    @Override
    protected SelectionKey currentKey() {
        return key;
    }

    @Override
    protected void onWritable() {
        flushNow();
    }

    @Override
    protected boolean releaseForShutdown() {
        disposed = true;
        cancelAttempt();
        cancelReconnectTimer();
        boolean wasOpen = channel != null;
        closeChannel();
        return wasOpen;
    }

    @Override
    protected void onReadable() {
        SocketChannel source = channel;
        long received = 0;
        boolean lineReady = false;
        boolean endOfStream = false;
        IOException failure = null;
        long limit = effectiveReadLimit();
        try {
            for (int reads = 0; reads < READS_PER_EVENT; reads++) {
                long space;
                synchronized (readLock) {
                    space = limit - readBuffer.size();
                }
                if (space <= 0) {
                    if (getState() == SocketState.CLOSING && outputShut) {
                        // closing: the peer's last bytes must not hold the close up
                        endOfStream = drainAndDiscard(source);
                        break;
                    }
                    pauseReading();
                    break;
                }
                ByteBuffer buffer = loop.sharedReadBuffer();
                if (space < buffer.capacity()) {
                    buffer.limit((int) space);
                }
                int requested = buffer.remaining();
                int count = source.read(buffer);
                if (count < 0) {
                    endOfStream = true;
                    break;
                }
                if (count == 0) {
                    break;
                }
                buffer.flip();
                ByteBuffer arrival = buffer.duplicate();
                synchronized (readLock) {
                    lineReady |= readBuffer.append(buffer);
                    // an over-long line counts as a line too (readLine returns it in pieces)
                    lineReady |= readBuffer.size() >= getMaxLineLength();
                }
                tapData(arrival); // after the append: whoever sees the event can read the bytes
                received += count;
                if (count < requested) {
                    break; // drained the OS buffer
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        long id = attemptId;
        if (received > 0) {
            countReceived(received);
            announceArrival(lineReady);
        }
        if (id != attemptId || channel != source) {
            return; // a listener closed or aborted the socket
        }
        if (failure != null) {
            onConnectionError(failure);
        } else if (endOfStream) {
            if (getState() == SocketState.CLOSING && outputShut) {
                synchronized (readLock) {
                    peerClosed = true;
                }
                finishClose(); // the peer's FIN answers ours: the close is complete
            } else {
                onPeerClosed();
            }
        }
    }

    /**
     * Reads and drops what waits unread in the OS receive queue before a close: closing a
     * socket with unread input makes Linux send a reset instead of FIN, and a reset makes the
     * peer's kernel drop whatever the peer has not read yet of what we sent. Bounded, so a
     * flooding peer cannot hold the close up.
     */
    private void discardUnreadInput(SocketChannel target) {
        ByteBuffer buffer = loop.sharedReadBuffer();
        try {
            for (int reads = 0; reads < 16 && target.read(buffer) > 0; reads++) {
                buffer.clear();
            }
        } catch (IOException | RuntimeException e) {
            // the connection is gone already: nothing to protect
        }
    }

    /**
     * The read limit, raised to the maximum line length when set below it: with that many bytes
     * buffered {@code readLine()} always returns something, so a line reader never starves.
     */
    private long effectiveReadLimit() {
        return Math.max(getReadBufferLimit(), getMaxLineLength());
    }

    /**
     * Reads and drops what the peer still sends while a close waits for its FIN.
     *
     * @return {@code true} if the peer's end of stream was reached
     */
    private boolean drainAndDiscard(SocketChannel source) throws IOException {
        ByteBuffer buffer = loop.sharedReadBuffer();
        int count;
        while ((count = source.read(buffer)) > 0) {
            buffer.clear();
        }
        return count < 0;
    }

    private void announceArrival(boolean lineReady) {
        listeners.fire(listener -> listener.readyRead(this));
        if (lineReady) {
            listeners.fire(listener -> listener.lineAvailableForRead(this));
        }
    }

    private void pauseReading() {
        readPaused.set(true);
        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        // A reader may have made room between our check and the flag: look again.
        resumeReadingIfRoom();
    }

    private void resumeReadingIfRoom() {
        if (!readPaused.get()) {
            return;
        }
        long space;
        synchronized (readLock) {
            space = effectiveReadLimit() - readBuffer.size();
        }
        if (space > 0 && readPaused.compareAndSet(true, false)) {
            if (loop.inLoop()) {
                resumeReading();
            } else {
                loop.execute(this::resumeReading);
            }
        }
    }

    private void resumeReading() {
        if (key != null && key.isValid() && !peerClosedSeen()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_READ);
        }
    }

    private boolean peerClosedSeen() {
        synchronized (readLock) {
            return peerClosed;
        }
    }

    private void onPeerClosed() {
        synchronized (readLock) {
            peerClosed = true;
        }
        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        long id = attemptId;
        reportError(SocketError.REMOTE_HOST_CLOSED_ERROR, "The remote host closed the connection of socket '"
                + getObjectId() + "' to " + endpoint());
        if (id != attemptId || channel == null) {
            return;
        }
        if (getState() == SocketState.CLOSING) {
            return; // already closing: the flush finishes it
        }
        startClosing();
    }

    private void onConnectionError(IOException failure) {
        SocketError error = SocketErrors.classify(failure, true);
        closeChannel();
        reportError(error, describe(error) + ": connection of socket '" + getObjectId() + "' to " + endpoint()
                + " failed: " + SocketErrors.reason(failure));
        changeState(SocketState.DISCONNECTED);
        listeners.fire(listener -> listener.disconnected(this));
        scheduleReconnect();
    }

    private void runScheduledFlush() {
        flushScheduled.set(false);
        flushNow();
    }

    /** Writes what the OS accepts now and finishes a close or half-close once drained. */
    private void flushNow() {
        SocketChannel target = channel;
        if (target == null) {
            return;
        }
        long written;
        boolean drained;
        IOException failure;
        synchronized (writeLock) {
            written = writeBuffer.writeTo(target);
            failure = writeBuffer.takeFailure();
            drained = writeBuffer.isEmpty();
            if (drained) {
                writeLock.notifyAll();
            }
        }
        if (written > 0) {
            countSent(written); // counted even when a later write of this flush failed
            listeners.fire(listener -> listener.bytesWritten(this, written));
            if (channel != target) {
                return;
            }
        }
        if (failure != null) {
            onConnectionError(failure);
            return;
        }
        int ops = key.interestOps();
        int wanted = drained ? ops & ~SelectionKey.OP_WRITE : ops | SelectionKey.OP_WRITE;
        if (wanted != ops) {
            key.interestOps(wanted);
        }
        if (!drained) {
            return;
        }
        if (getState() == SocketState.CLOSING) {
            closeWhenPeerIsDone(target);
        } else if (outputShutdownRequested && !outputShut) {
            outputShut = true;
            try {
                target.shutdownOutput();
            } catch (IOException e) {
                onConnectionError(e);
            }
        }
    }

    /**
     * Ends a graceful close once every accepted byte is with the OS. Closing a socket whose
     * receive queue holds unread bytes makes Linux send a reset, and a reset makes the peer's
     * kernel discard what the peer has not read yet. So: send FIN, keep reading until the
     * peer closes its side too, then close; if it does not within the lingering time, close
     * anyway.
     */
    private void closeWhenPeerIsDone(SocketChannel target) {
        if (peerClosedSeen() || getLinger() == 0) {
            finishClose(); // nothing more can arrive, or the user asked for an abortive close
            return;
        }
        if (!outputShut) {
            outputShut = true;
            try {
                target.shutdownOutput();
            } catch (IOException e) {
                finishClose();
                return;
            }
            key.interestOps(key.interestOps() | SelectionKey.OP_READ);
            readPaused.set(false);
            long lingerMillis = getLinger() > 0 ? getLinger() * 1000L : LINGERING_CLOSE_MILLIS;
            long id = attemptId;
            lingerTimer = loop.schedule(lingerMillis, () -> {
                lingerTimer = null;
                if (id == attemptId && channel == target && getState() == SocketState.CLOSING) {
                    finishClose();
                }
            });
        }
    }

    // ---- IoDevice: writing --------------------------------------------------------------

    @Override
    public long write(byte[] data) {
        return write(ByteBuffer.wrap(data));
    }

    @Override
    public long write(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (refuseWrite()) {
            return -1;
        }
        synchronized (writeLock) {
            if (!acceptingWrites) {
                return rejectWrite();
            }
            if (getWriteBufferLimit() - writeBuffer.size() < bytes.length) {
                return 0; // never cut a character in half
            }
            return queueOrWrite(ByteBuffer.wrap(bytes), bytes.length);
        }
    }

    @Override
    public long write(ByteBuffer data) {
        if (refuseWrite()) {
            return -1;
        }
        synchronized (writeLock) {
            if (!acceptingWrites) {
                return rejectWrite();
            }
            return queueOrWrite(data, data.remaining());
        }
    }

    /**
     * Writes straight to the channel while nothing is queued (no copy into the write buffer,
     * no hop to the loop), then queues what the OS did not take, up to the buffer limit. Call
     * holding writeLock; the loop flushes under the same lock, so bytes keep their order.
     *
     * @param data the bytes, from position to limit
     * @param offered how many of them the caller offers
     * @return the number of bytes accepted
     */
    private long queueOrWrite(ByteBuffer data, int offered) {
        int end = data.position() + offered;
        int limit = data.limit();
        data.limit(end);
        long direct = 0;
        try {
            if (directChannel != null && writeBuffer.isEmpty()) {
                try {
                    direct = directChannel.write(data);
                } catch (IOException e) {
                    direct = 0; // the loop's next flush meets the same failure and reports it
                }
            }
            long space = getWriteBufferLimit() - writeBuffer.size();
            int queued = (int) Math.max(0, Math.min(data.remaining(), space));
            writeBuffer.append(data, queued);
            if (direct > 0 && unreportedDirectWrites.getAndAdd(direct) == 0) {
                loop.execute(this::reportDirectWrites);
            }
            if (queued > 0 || direct == 0 && offered > 0) {
                scheduleFlush();
            }
            return direct + queued;
        } finally {
            data.limit(limit);
        }
    }

    private void reportDirectWrites() {
        long written = unreportedDirectWrites.getAndSet(0);
        if (written > 0) {
            countSent(written);
            listeners.fire(listener -> listener.bytesWritten(this, written));
        }
    }

    private boolean refuseWrite() {
        if (isReadOnly()) {
            reportDeviceError(SocketError.OPERATION_ERROR, "Socket '" + getObjectId()
                    + "' is read-only: write to " + endpoint() + " refused");
            return true;
        }
        return false;
    }

    private long rejectWrite() {
        reportDeviceError(SocketError.OPERATION_ERROR, "Cannot write to socket '" + getObjectId() + "' ("
                + endpoint() + "): it is " + getState().seedName()
                + (getState() == SocketState.CONNECTED ? " with its output shut down" : ""));
        return -1;
    }

    private void scheduleFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    @Override
    public boolean flush() {
        boolean pending = getBytesToWrite() > 0;
        if (pending) {
            if (loop.inLoop()) {
                flushNow();
            } else {
                scheduleFlush();
            }
        }
        return pending;
    }

    @Override
    public boolean sync() {
        flush();
        if (loop.inLoop()) {
            return getBytesToWrite() == 0;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(getConnectTimeout());
        synchronized (writeLock) {
            try {
                long remaining;
                while (!writeBuffer.isEmpty() && (remaining = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(writeLock, remaining);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return writeBuffer.isEmpty();
        }
    }

    @Override
    public boolean shutdownOutput() {
        synchronized (writeLock) {
            if (!acceptingWrites) {
                reportErrorFromAnyThread(SocketError.OPERATION_ERROR, "Cannot shut down the output of socket '"
                        + getObjectId() + "' (" + endpoint() + "): it is " + getState().seedName()
                        + " or already shut down");
                return false;
            }
            acceptingWrites = false;
        }
        loop.execute(() -> {
            outputShutdownRequested = true;
            flushNow();
        });
        return true;
    }

    // ---- IoDevice: reading --------------------------------------------------------------

    @Override
    public byte[] read(int maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize " + maxSize + " is negative");
        }
        byte[] bytes;
        synchronized (readLock) {
            bytes = readBuffer.read(maxSize);
        }
        resumeReadingIfRoom();
        return bytes;
    }

    @Override
    public byte[] readAll() {
        byte[] bytes;
        synchronized (readLock) {
            bytes = readBuffer.readAll();
        }
        resumeReadingIfRoom();
        return bytes;
    }

    @Override
    public byte[] peekAll() {
        synchronized (readLock) {
            return readBuffer.peekAll();
        }
    }

    @Override
    public String readLine() {
        String line;
        synchronized (readLock) {
            line = readBuffer.readLineText(getMaxLineLength());
        }
        resumeReadingIfRoom();
        return line == null ? "" : line;
    }

    @Override
    public boolean canReadLine() {
        synchronized (readLock) {
            return readBuffer.canReadLine(getMaxLineLength());
        }
    }

    @Override
    public long getBytesAvailable() {
        synchronized (readLock) {
            return readBuffer.size();
        }
    }

    @Override
    public boolean atEnd() {
        synchronized (readLock) {
            return readBuffer.size() == 0 && (peerClosed || getState() == SocketState.DISCONNECTED);
        }
    }

    @Override
    public boolean isOpen() {
        SocketState state = getState();
        return state == SocketState.CONNECTED || state == SocketState.CLOSING;
    }

    @Override
    public boolean isWritable() {
        synchronized (writeLock) {
            return acceptingWrites && !isReadOnly();
        }
    }

    // ---- properties ---------------------------------------------------------------------

    @Override
    protected void onPropertiesChanged(Set<PropertyDef<?>> changed) {
        if (disposed) {
            return;
        }
        if (channel != null) {
            for (PropertyDef<?> definition : changed) {
                if (TcpOptions.OPTION_PROPERTIES.contains(definition)) {
                    try {
                        TcpOptions.apply(channel, props, definition);
                    } catch (IOException | RuntimeException e) {
                        reportOptionProblem(definition, e);
                    }
                }
            }
        }
        if (changed.contains(SocketProperties.READ_BUFFER_LIMIT)) {
            resumeReadingIfRoom();
        }
        if (changed.contains(SocketProperties.AUTO_CONNECT) && !isAutoConnect()) {
            cancelReconnectTimer();
        }
        if (automaticStartSuppressed() || userStopped || !isAutoConnect()) {
            return;
        }
        SocketState state = getState();
        // Setters store at once and announce later: compare with what the attempt uses, so that
        // hostname and port set back to back start one attempt, not two.
        boolean endpointChanged = ENDPOINT.stream().anyMatch(changed::contains)
                && (state == SocketState.DISCONNECTED || !endpointSnapshot().equals(activeEndpoint));
        if (endpointChanged) {
            switch (state) {
                case HOST_LOOKUP:
                case CONNECTING:
                    cancelAttempt();
                    changeState(SocketState.DISCONNECTED);
                    beginConnect(false);
                    break;
                case CONNECTED:
                    reconnectAfterClose = true;
                    startClosing();
                    break;
                case CLOSING:
                    reconnectAfterClose = true;
                    break;
                default:
                    cancelReconnectTimer();
                    if (endpointValid()) {
                        beginConnect(false);
                    }
                    break;
            }
        } else if (changed.contains(SocketProperties.AUTO_CONNECT) && state == SocketState.DISCONNECTED
                && reconnectTimer == null && endpointValid()) {
            beginConnect(false);
        }
    }

    private List<Object> endpointSnapshot() {
        List<Object> snapshot = new ArrayList<>(ENDPOINT.size());
        for (PropertyDef<?> definition : ENDPOINT) {
            snapshot.add(props.get(definition));
        }
        return snapshot;
    }

    private void reportOptionProblem(PropertyDef<?> definition, Exception problem) {
        reportError(SocketErrors.classify(problem, channel != null) == SocketError.SOCKET_ACCESS_ERROR
                        ? SocketError.SOCKET_ACCESS_ERROR : SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR,
                "Cannot set " + definition.name() + "=" + props.get(definition) + " on socket '" + getObjectId()
                        + "' (" + endpoint() + "): " + SocketErrors.reason(problem));
    }

    @Override
    protected void bindRequested() {
        throw new IllegalArgumentException("A TCP socket cannot be Bound: use connectToHost()");
    }

    /** Reports the MTU of the interface carrying the connection while connected (Linux). */
    @Override
    public int getPathMtu() {
        InetSocketAddress local = localEnd();
        if (local != null) {
            try {
                NetworkInterface carrier = NetworkInterface.getByInetAddress(local.getAddress());
                int mtu = carrier == null ? -1 : carrier.getMTU();
                if (mtu > 0) {
                    return mtu;
                }
            } catch (SocketException e) {
                // fall back to the configured value
            }
        }
        return super.getPathMtu();
    }

    @Override
    public long getBytesToWrite() {
        synchronized (writeLock) {
            return writeBuffer.size();
        }
    }

    @Override
    public int getKeepAliveIdle() {
        return props.get(SocketProperties.KEEP_ALIVE_IDLE);
    }

    @Override
    public void setKeepAliveIdle(int seconds) {
        set(SocketProperties.KEEP_ALIVE_IDLE, seconds);
    }

    @Override
    public int getKeepAliveInterval() {
        return props.get(SocketProperties.KEEP_ALIVE_INTERVAL);
    }

    @Override
    public void setKeepAliveInterval(int seconds) {
        set(SocketProperties.KEEP_ALIVE_INTERVAL, seconds);
    }

    @Override
    public int getKeepAliveCount() {
        return props.get(SocketProperties.KEEP_ALIVE_COUNT);
    }

    @Override
    public void setKeepAliveCount(int count) {
        set(SocketProperties.KEEP_ALIVE_COUNT, count);
    }

    @Override
    public int getLinger() {
        return props.get(SocketProperties.LINGER);
    }

    @Override
    public void setLinger(int seconds) {
        set(SocketProperties.LINGER, seconds);
    }

    @Override
    public int getConnectionAttemptDelay() {
        return props.get(SocketProperties.CONNECTION_ATTEMPT_DELAY);
    }

    @Override
    public void setConnectionAttemptDelay(int milliseconds) {
        set(SocketProperties.CONNECTION_ATTEMPT_DELAY, milliseconds);
    }

    /**
     * Reads an option from the live OS socket, for tests and diagnostics.
     *
     * @param <T> the option type
     * @param option the option
     * @return the value the OS reports
     * @throws IllegalStateException if the socket is not connected or the loop does not answer
     */
    <T> T osOption(SocketOption<T> option) {
        return askLoop(() -> {
            if (channel == null) {
                throw new IllegalStateException("socket '" + getObjectId() + "' is not connected");
            }
            return channel.getOption(option);
        });
    }

    private static String describe(SocketError error) {
        String name = error.seedName().replaceAll("([a-z])([A-Z])", "$1 $2");
        return name.endsWith(" Error") ? name.substring(0, name.length() - 6) : name;
    }
}
