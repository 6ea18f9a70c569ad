package ipsocket.impl.tcp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.impl.common.ChannelTransport;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.SocketErrors;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.loop.Timer;

/**
 * A TCP stream as the lifecycle's transport: connects with Happy Eyeballs, moves bytes between
 * the channel and the socket's {@link TcpInput} and {@link TcpOutput}, half-closes, and closes
 * gracefully without a reset that would cost the peer bytes it has not read yet.
 *
 * <p>Runs on the socket's loop thread.
 */
final class TcpTransport extends ChannelTransport<TcpSocketImpl, SocketChannel> {
    /**
     * Reads per readiness event before other sockets get their turn (as Netty's default of 16
     * messages per read): a stream that keeps the OS buffer full is read in bursts of up to
     * 1 MiB, which a forwarding listener writes on in one write instead of four (the bulk echo
     * took 5% less CPU per byte than with 4). A read that does not fill the loop's buffer ends
     * the burst earlier, so request/response traffic reads once.
     */
    private static final int READS_PER_EVENT = 16;
    /** How long a graceful close waits for the peer to close its side after our FIN. */
    static final long LINGERING_CLOSE_MILLIS = 5_000;
    /** TCP's options; the peer is where it is: hostname, port and protocol, and the local end a connection binds. */
    private static final Kind KIND = new Kind(TcpOptions.TABLE, List.of(SocketProperties.HOSTNAME,
            SocketProperties.PORT, SocketProperties.PROTOCOL, SocketProperties.LOCAL_ADDRESS,
            SocketProperties.LOCAL_PORT));

    private final TcpInput input;
    private final TcpOutput output;

    private HappyEyeballsConnector connector;
    /** The byte layer of the connection (TLS), {@code null} for plain bytes. */
    private StreamLayer layer;
    /** The layer the attempt under way starts once connected. */
    private StreamLayer nextLayer;
    private Timer handshakeTimer;
    private boolean outputShutdownRequested;
    private boolean outputShut;

    TcpTransport(TcpSocketImpl socket) {
        super(socket, KIND);
        this.input = new TcpInput(this);
        this.output = new TcpOutput(this);
    }

    TcpInput input() {
        return input;
    }

    TcpOutput output() {
        return output;
    }

    // ---- what the lifecycle asks ------------------------------------------------------------


    @Override
    public boolean canConnectFrom(SocketState state) {
        return state == SocketState.DISCONNECTED;
    }

    @Override
    public SocketState restingState() {
        return SocketState.DISCONNECTED;
    }

    @Override
    public void propertiesChanged(Set<PropertyDef<?>> changed) {
        if (changed.contains(SocketProperties.READ_BUFFER_LIMIT)) {
            input.resumeIfRoom();
        }
    }

    @Override
    public boolean channelOutdated(Set<PropertyDef<?>> changed) {
        return false; // a stream's local end is part of its endpoint: a change reconnects
    }

    @Override
    public boolean leavePeer() {
        return false;
    }

    // ---- connecting -------------------------------------------------------------------------

    @Override
    public void prepareAttempt() {
        input.reset();
        output.acceptWhileConnecting(); // Qt's order: open and writable from connectToHost() on
    }

    @Override
    public long discardUnsent() {
        return output.discardUnsent();
    }

    @Override
    public void connect(long attempt, List<InetAddress> addresses) {
        int port = socket.getPort();
        List<InetSocketAddress> targets = new ArrayList<>(addresses.size());
        for (InetAddress address : addresses) {
            targets.add(new InetSocketAddress(address, port));
        }
        if (!lifecycle().enterConnecting(attempt)) {
            return;
        }
        try {
            nextLayer = socket.newStreamLayer();
        } catch (StreamLayer.SetupException e) {
            lifecycle().connectFailed(attempt, e.error(), e.getMessage());
            return;
        }
        connector = new HappyEyeballsConnector(loop(), targets, socket.getConnectionAttemptDelay(), this::openChannel,
                new HappyEyeballsConnector.Outcome() {
                    @Override
                    public void connected(SocketChannel winner, SelectionKey winnerKey) {
                        onConnected(attempt, winner, winnerKey);
                    }

                    @Override
                    public void failed(Exception lastFailure, InetSocketAddress target) {
                        onConnectFailed(attempt, lastFailure, target);
                    }
                });
        connector.start();
    }

    @Override
    public void cancelConnect() {
        nextLayer = null;
        if (connector != null) {
            connector.cancel();
            connector = null;
        }
    }

    private SocketChannel openChannel(InetSocketAddress target) throws IOException {
        SocketChannel opened = SocketChannel.open(target.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            opened.configureBlocking(false);
            TcpOptions.TABLE.applyAll(opened, socket.props(), true, lifecycle()::reportOptionProblem);
            boolean anyLocal = socket.props().get(SocketProperties.LOCAL_ADDRESS).isEmpty()
                    && socket.props().get(SocketProperties.LOCAL_PORT) == 0;
            if (!anyLocal) {
                // A fixed local port must survive a reconnect: the connection this socket closed
                // last leaves that port in TIME_WAIT, which only address reuse lets bind again.
                // A port that something else listens on stays refused (Address In Use).
                opened.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                opened.bind(socket.configuredLocalEnd());
            }
            return opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * Takes over a connection a server accepted: the socket's options, the loop's selector, then
     * Connected as if a connect had just succeeded, so everything after that is the lifecycle's as
     * for any connection. A channel that cannot be taken over ends as a lost connection.
     *
     * @param accepted the accepted channel, owned by this transport from now on
     */
    void adopt(SocketChannel accepted) {
        prepareAttempt();
        SelectionKey acceptedKey;
        try {
            accepted.configureBlocking(false);
            TcpOptions.TABLE.applyAll(accepted, socket.props(), true, lifecycle()::reportOptionProblem);
            acceptedKey = loop().register(accepted, SelectionKey.OP_READ, lifecycle().readinessHandler());
        } catch (IOException | RuntimeException e) {
            loop().close(null, accepted);
            SocketError error = SocketErrors.classify(e, true);
            lifecycle().connectionLost(error, SocketErrors.describe(error) + ": socket '" + socket.getObjectId()
                    + "' could not take over its accepted connection from " + socket.endpoint() + ": "
                    + SocketErrors.reason(e));
            return;
        }
        onConnected(lifecycle().attempt(), accepted, acceptedKey);
    }

    private void onConnected(long attempt, SocketChannel winner, SelectionKey winnerKey) {
        if (attempt != lifecycle().attempt()) {
            loop().close(winnerKey, winner);
            return;
        }
        connector = null;
        StreamLayer starting = nextLayer;
        nextLayer = null;
        channel = winner;
        key = winnerKey;
        key.attach(lifecycle().readinessHandler());
        key.interestOps(SelectionKey.OP_READ);
        InetSocketAddress local;
        InetSocketAddress peer;
        try {
            local = (InetSocketAddress) winner.getLocalAddress();
            peer = (InetSocketAddress) winner.getRemoteAddress();
        } catch (IOException e) {
            onConnectionError(e);
            return;
        }
        if (local.equals(peer)) {
            // TCP simultaneous open: with nothing listening, a connect from an ephemeral port
            // equal to the target port reaches itself. That is no peer; it would also keep the
            // port from the server that should come back on it.
            closeChannel();
            lifecycle().connectFailed(attempt, SocketError.CONNECTION_REFUSED_ERROR, "Connection refused: socket '"
                    + socket.getObjectId() + "' reached itself at " + peer + " (nothing listens on "
                    + socket.endpoint() + ")");
            return;
        }
        outputShutdownRequested = false;
        outputShut = false;
        output.open(starting == null ? winner : null); // with a layer every write goes through it
        lifecycle().connected(attempt, local, peer);
        if (channel == winner && starting != null) {
            startLayer(starting);
        } else if (channel == winner && output.pending() > 0) {
            flushNow(); // what was written while connecting
        }
    }

    private void onConnectFailed(long attempt, Exception failure, InetSocketAddress target) {
        if (attempt != lifecycle().attempt()) {
            return;
        }
        connector = null;
        SocketError error = SocketErrors.classify(failure, false);
        String where = target == null ? socket.endpoint()
                : socket.endpoint() + " (" + target.getAddress().getHostAddress() + ")";
        lifecycle().connectFailed(attempt, error, SocketErrors.describe(error) + ": socket '" + socket.getObjectId()
                + "' could not connect to " + where + ": " + SocketErrors.reason(failure));
    }

    // ---- closing ----------------------------------------------------------------------------

    @Override
    public void closeRequested(boolean graceful) {
        if (graceful) {
            output.stopAccepting();
        } else {
            output.discard();
        }
    }

    @Override
    public void closeGracefully() {
        output.stopAccepting();
        socket.status().changeState(SocketState.CLOSING);
        if (channel != null && socket.getState() == SocketState.CLOSING) {
            flushNow();
        }
    }

    @Override
    public void closeChannel() {
        endLayer();
        if (channel != null) {
            discardUnreadInput(channel);
            loop().close(key, channel);
            channel = null;
            key = null;
        }
        output.close();
        input.clearPause();
    }

    /** Half-closes: FIN once every accepted byte is out; reading goes on. */
    void shutdownOutputRequested() {
        outputShutdownRequested = true;
        flushNow();
    }

    /**
     * Ends a graceful close once every accepted byte is with the OS: Disconnected at once (as
     * Qt's), while the channel itself ends in a {@link LingeringClose} (FIN, then the peer's FIN
     * or the lingering time) so that unread input cannot turn the close into a reset. A peer that
     * already closed its side, or linger 0 (an abortive close asked for), closes at once.
     */
    private void closeWhenPeerIsDone(SocketChannel target) {
        if (!input.peerClosed() && socket.getLinger() != 0) {
            long limitMillis = socket.getLinger() > 0 ? socket.getLinger() * 1000L : LINGERING_CLOSE_MILLIS;
            LingeringClose.start(loop(), target, key, limitMillis);
            channel = null; // the lingering close owns it now
            key = null;
        }
        lifecycle().finishClose();
    }

    /**
     * Reads and drops what waits unread in the OS receive queue before a close: closing a
     * socket with unread input makes Linux send a reset instead of FIN, and a reset makes the
     * peer's kernel drop whatever the peer has not read yet of what we sent. Bounded, so a
     * flooding peer cannot hold the close up.
     */
    private void discardUnreadInput(SocketChannel target) {
        ByteBuffer buffer = loop().sharedReadBuffer();
        try {
            for (int reads = 0; reads < 16 && target.read(buffer) > 0; reads++) {
                buffer.clear();
            }
        } catch (IOException | RuntimeException e) {
            // the connection is gone already: nothing to protect
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    @Override
    public void onReadable() {
        SocketChannel source = channel;
        if (source == null) {
            return; // a read handed to the loop after the connection ended
        }
        if (layer != null && !layer.ready()) {
            driveHandshake();
            return;
        }
        StreamLayer through = layer;
        ReadableByteChannel from = through == null ? source : through;
        long received = 0;
        boolean lineReady = false;
        boolean endOfStream = false;
        IOException failure = null;
        try {
            for (int reads = 0; reads < READS_PER_EVENT; reads++) {
                long space = input.room();
                if (space <= 0) {
                    pauseReading();
                    break;
                }
                ByteBuffer buffer = loop().sharedReadBuffer();
                if (space < buffer.capacity()) {
                    buffer.limit((int) space);
                }
                int requested = buffer.remaining();
                int count = from.read(buffer);
                if (count < 0) {
                    endOfStream = true;
                    break;
                }
                if (count == 0) {
                    break;
                }
                buffer.flip();
                lineReady |= input.append(buffer);
                // After the append, whoever sees the event can read the bytes; position 0 shows
                // the same bytes again (no duplicate buffer per read).
                socket.tapData(buffer.position(0));
                received += count;
                if (count < requested && through == null) {
                    break; // drained the OS buffer (a layer returns less whenever a record ends)
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        long attempt = lifecycle().attempt();
        if (received > 0) {
            socket.announceArrival(received, lineReady);
        }
        if (attempt != lifecycle().attempt() || channel != source) {
            return; // a listener closed or aborted the socket
        }
        if (failure != null) {
            onConnectionError(failure);
        } else if (endOfStream) {
            onPeerClosed();
        } else if (through != null && through == layer) {
            if (!through.ready()) {
                driveHandshake(); // the peer asked for a key update or a new handshake
            } else if (through.hasBufferedInput() && !input.readPausedNow()) {
                loop().execute(this::onReadable); // decoded bytes the OS will not signal again
            }
        }
    }

    private void pauseReading() {
        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        input.paused();
    }

    void resumeReading() {
        if (key != null && key.isValid() && !input.peerClosed()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_READ);
            if (layer != null && layer.hasBufferedInput()) {
                loop().execute(this::onReadable); // bytes the layer holds already
            }
        }
    }

    private void onPeerClosed() {
        input.markPeerClosed();
        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        long attempt = lifecycle().attempt();
        String how = layer == null ? "" : layer.endedCleanly() ? " (TLS close_notify)"
                : " without TLS close_notify: what it sent may have been truncated";
        socket.status().reportError(SocketError.REMOTE_HOST_CLOSED_ERROR, "The remote host closed the connection"
                + " of socket '" + socket.getObjectId() + "' to " + socket.endpoint() + how);
        if (attempt != lifecycle().attempt() || channel == null) {
            return;
        }
        if (socket.getState() == SocketState.CLOSING) {
            return; // already closing: the flush finishes it
        }
        closeGracefully();
    }

    private void onConnectionError(IOException failure) {
        StreamLayer.Failure described = layer == null ? null : layer.describe(failure, "connection");
        if (described != null) {
            lifecycle().connectionLost(described.error, described.text);
            return;
        }
        SocketError error = SocketErrors.classify(failure, true);
        lifecycle().connectionLost(error, SocketErrors.describe(error) + ": connection of socket '"
                + socket.getObjectId() + "' to " + socket.endpoint() + " failed: " + SocketErrors.reason(failure));
    }

    // ---- writing ----------------------------------------------------------------------------

    @Override
    public void onWritable() {
        flushNow();
    }

    @Override
    protected void flushQueued() {
        flushNow();
    }

    /** Writes what the OS accepts now and finishes a close or half-close once drained. */
    void flushNow() {
        SocketChannel target = channel;
        if (target == null) {
            return;
        }
        if (layer != null && !layer.ready()) {
            if (socket.getState() == SocketState.CLOSING) {
                closeWhenPeerIsDone(target); // closed during the handshake: nothing can be sent
            } else {
                driveHandshake(); // the handshake writes its own bytes; application bytes wait for it
            }
            return;
        }
        StreamLayer through = layer;
        if (through != null && through.hasPendingOutput()) {
            try {
                through.flushOutput(); // what the OS did not take last time goes first, queue or no queue
            } catch (IOException e) {
                onConnectionError(e);
                return;
            }
        }
        TcpOutput.Flushed flushed = output.writeTo(through == null ? target : through);
        if (flushed.written > 0) {
            socket.reportSent(flushed.written); // counted even when a later write of this flush failed
            if (channel != target) {
                return;
            }
        }
        if (flushed.failure != null) {
            onConnectionError(flushed.failure);
            return;
        }
        if (through != null && !through.ready()) {
            driveHandshake(); // a key update or new handshake came between: its step first
            return;
        }
        boolean drained = flushed.drained && (through == null || !through.hasPendingOutput());
        wantWrite(!drained);
        if (!drained) {
            return;
        }
        boolean closing = socket.getState() == SocketState.CLOSING;
        if ((closing || outputShutdownRequested && !outputShut) && through != null && !through.closeOutput()) {
            wantWrite(true); // close_notify waits for room
            return;
        }
        if (closing) {
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

    private void wantWrite(boolean wanted) {
        int ops = key.interestOps();
        int next = wanted ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE;
        if (next != ops) {
            key.interestOps(next);
        }
    }

    // ---- the byte layer (TLS) ---------------------------------------------------------------

    /**
     * Switches a connected plain stream to a layer (STARTTLS): bytes read so far stay as they
     * arrived, the next bytes in either direction go through the layer.
     *
     * @param next the layer
     * @return {@code false} if the socket is not connected or has a layer already
     */
    boolean upgrade(StreamLayer next) {
        if (channel == null || layer != null || socket.getState() != SocketState.CONNECTED) {
            next.release();
            return false;
        }
        startLayer(next);
        return true;
    }

    /** Whether a layer is active on the connection (the handshake may still be under way). */
    boolean hasLayer() {
        return layer != null;
    }

    private void startLayer(StreamLayer next) {
        layer = next;
        SocketChannel target = channel;
        long attempt = lifecycle().attempt();
        next.start(target, () -> {
            if (layer == next && channel == target) {
                driveHandshake();
            }
        });
        handshakeTimer = loop().schedule(next.handshakeTimeoutMillis(), () -> onHandshakeTimeout(attempt, next));
        driveHandshake();
    }

    /** Advances the layer's handshake, and once done lets bytes flow. */
    private void driveHandshake() {
        StreamLayer current = layer;
        SocketChannel target = channel;
        StreamLayer.Step step;
        try {
            step = current.handshake();
        } catch (IOException e) {
            StreamLayer.Failure described = current.describe(e, "handshake");
            if (layer == current && channel == target) {
                if (described == null) {
                    onConnectionError(e);
                } else {
                    lifecycle().connectionLost(described.error, described.text);
                }
            }
            return;
        }
        if (key == null || !key.isValid()) {
            return;
        }
        wantWrite(step == StreamLayer.Step.WRITE);
        // While a task runs off the loop the layer reads nothing: readiness would only spin the loop
        boolean reading = step != StreamLayer.Step.TASK && !input.readPausedNow() && !input.peerClosed();
        int ops = key.interestOps();
        int next = reading ? ops | SelectionKey.OP_READ : ops & ~SelectionKey.OP_READ;
        if (next != ops) {
            key.interestOps(next);
        }
        if (step != StreamLayer.Step.DONE) {
            return;
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
            long attempt = lifecycle().attempt();
            current.established(); // signals encrypted
            if (attempt != lifecycle().attempt() || channel != target) {
                return; // a listener closed or aborted the socket
            }
        }
        flushNow(); // what was written meanwhile
        if (channel == target && layer == current && current.ready()) {
            onReadable(); // bytes that came with the handshake's last flight
        }
    }

    private void onHandshakeTimeout(long attempt, StreamLayer timedOut) {
        if (attempt != lifecycle().attempt() || layer != timedOut || handshakeTimer == null) {
            return;
        }
        handshakeTimer = null;
        lifecycle().connectionLost(SocketError.SSL_HANDSHAKE_FAILED_ERROR, "TLS handshake of socket '"
                + socket.getObjectId() + "' with " + socket.endpoint() + " failed: the peer did not complete it within "
                + timedOut.handshakeTimeoutMillis() + " ms (handshakeTimeout)");
    }

    private void endLayer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
        if (layer != null) {
            layer.release();
            layer = null;
        }
    }
}
