package ipsocket.impl.tcp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
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

/**
 * A TCP stream as the lifecycle's transport: connects with Happy Eyeballs, moves bytes between
 * the channel and the socket's {@link TcpInput} and {@link TcpOutput}, half-closes, and closes
 * gracefully without a reset that would cost the peer bytes it has not read yet.
 *
 * <p>Runs on the socket's loop thread.
 */
final class TcpTransport extends ChannelTransport<TcpSocketImpl, SocketChannel> {
    /** Reads per readiness event before other sockets get their turn. */
    private static final int READS_PER_EVENT = 4;
    /** How long a graceful close waits for the peer to close its side after our FIN. */
    static final long LINGERING_CLOSE_MILLIS = 5_000;
    /** TCP's options; the peer is where it is: hostname, port and protocol, and the local end a connection binds. */
    private static final Kind KIND = new Kind(TcpOptions.TABLE, List.of(SocketProperties.HOSTNAME,
            SocketProperties.PORT, SocketProperties.PROTOCOL, SocketProperties.LOCAL_ADDRESS,
            SocketProperties.LOCAL_PORT));

    private final TcpInput input;
    private final TcpOutput output;

    private HappyEyeballsConnector connector;
    private boolean outputShutdownRequested;
    private boolean outputShut;

    TcpTransport(TcpSocketImpl socket) {
        super(socket, KIND);
        this.input = new TcpInput(socket, this);
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
        output.open(winner);
        lifecycle().connected(attempt, local, peer);
        if (channel == winner && output.pending() > 0) {
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
                lineReady |= input.append(buffer);
                socket.tapData(arrival); // after the append: whoever sees the event can read the bytes
                received += count;
                if (count < requested) {
                    break; // drained the OS buffer
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
        }
    }

    private void pauseReading() {
        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        input.paused();
    }

    void resumeReading() {
        if (key != null && key.isValid() && !input.peerClosed()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_READ);
        }
    }

    private void onPeerClosed() {
        input.markPeerClosed();
        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        long attempt = lifecycle().attempt();
        socket.status().reportError(SocketError.REMOTE_HOST_CLOSED_ERROR, "The remote host closed the connection"
                + " of socket '" + socket.getObjectId() + "' to " + socket.endpoint());
        if (attempt != lifecycle().attempt() || channel == null) {
            return;
        }
        if (socket.getState() == SocketState.CLOSING) {
            return; // already closing: the flush finishes it
        }
        closeGracefully();
    }

    private void onConnectionError(IOException failure) {
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
        TcpOutput.Flushed flushed = output.writeTo(target);
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
        int ops = key.interestOps();
        int wanted = flushed.drained ? ops & ~SelectionKey.OP_WRITE : ops | SelectionKey.OP_WRITE;
        if (wanted != ops) {
            key.interestOps(wanted);
        }
        if (!flushed.drained) {
            return;
        }
        if (socket.getState() == SocketState.CLOSING) {
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
}
