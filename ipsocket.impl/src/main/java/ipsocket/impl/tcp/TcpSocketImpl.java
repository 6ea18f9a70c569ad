package ipsocket.impl.tcp;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.Executor;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.AcceptedValues;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.loop.EventLoop;
import ipsocket.impl.loop.EventLoopGroup;

/**
 * A TCP client socket on a shared event loop: {@link TcpSocket} on the shared lifecycle, with
 * a {@link TcpTransport} for the stream, {@link TcpInput} for reading and {@link TcpOutput} for
 * writing.
 *
 * <p>Everything that changes the connection runs on the socket's loop thread; public methods
 * hand work to it. The read and write buffers are the only state shared with callers' threads,
 * each behind its own lock.
 */
public class TcpSocketImpl extends AbstractIpSocket implements TcpSocket {
    /** The transport, which holds the input and output (not kept here too: thousands of sockets). */
    private final TcpTransport transport;

    /**
     * Creates a disconnected socket on the next loop of a group.
     *
     * @param group the shared loops
     * @param objectId the socket's name
     */
    public TcpSocketImpl(EventLoopGroup group, String objectId) {
        this(group.next(), group.resolver(), objectId, SocketProperties.TCP);
    }

    /**
     * Creates a disconnected socket on a given loop for a connection a server accepted, which
     * then {@link #adopt(SocketChannel) takes over} its channel; its values share the server's
     * template and name it {@code <parent>/<peer address>:<peer port>}.
     *
     * @param loop the socket's loop
     * @param resolver where host names are looked up
     * @param values the connection's values
     */
    public TcpSocketImpl(EventLoop loop, Executor resolver, AcceptedValues values) {
        this(loop, resolver, null, values);
    }

    /**
     * Creates a disconnected socket of a kind built on TCP (TLS), with that kind's properties.
     *
     * @param group the shared loops
     * @param objectId the socket's name
     * @param definitions the kind's properties, the TCP ones among them
     */
    protected TcpSocketImpl(EventLoopGroup group, String objectId, List<PropertyDef<?>> definitions) {
        this(group.next(), group.resolver(), objectId, definitions);
    }

    private TcpSocketImpl(EventLoop loop, Executor resolver, String objectId, List<PropertyDef<?>> definitions) {
        this(loop, resolver, objectId, new PropertyValues(definitions));
    }

    private TcpSocketImpl(EventLoop loop, Executor resolver, String objectId, PropertyValues values) {
        super(loop, resolver, objectId, values); // a null objectId is refused unless the values make the name
        this.transport = new TcpTransport(this);
        attach(transport);
    }

    /**
     * Takes over a connection a server accepted: applies the socket's options to it and enters
     * Connected (stateChanged, then connected), as a connect that just succeeded. Call on the
     * socket's loop thread, once the settings are applied with autoConnect off, on a socket that
     * never connected.
     *
     * @param accepted the accepted channel, owned by the socket from now on
     */
    public final void adopt(SocketChannel accepted) {
        transport.adopt(accepted);
    }

    /**
     * Signals an arrival: counts it, then readyRead, and lineAvailableForRead when a line is
     * complete; call on the loop thread.
     *
     * @param count the bytes that arrived
     * @param lineReady whether a line can be read
     */
    final void announceArrival(long count, boolean lineReady) {
        countReceived(count);
        listeners().fire(listener -> listener.readyRead(this));
        if (lineReady) {
            listeners().fire(listener -> listener.lineAvailableForRead(this));
        }
    }

    // ---- the byte layer (TLS) ----------------------------------------------------------

    /**
     * Returns the byte layer a new connection starts with; called on the loop thread when an
     * attempt starts connecting. Plain TCP has none; TLS returns its engine's layer.
     *
     * @return the layer, or {@code null} for plain bytes
     * @throws StreamLayer.SetupException if the layer cannot be set up (the attempt fails with its error)
     */
    protected StreamLayer newStreamLayer() throws StreamLayer.SetupException {
        return null;
    }

    /**
     * Switches the connected plain stream to a layer (STARTTLS): callers' writes are queued from
     * now on, and the loop starts the layer.
     *
     * @param next the layer
     * @param refused run on the loop if the switch cannot happen there (the connection ended meanwhile)
     * @return {@code false} if bytes written before are still queued or the socket does not accept writes
     */
    protected final boolean switchToLayer(StreamLayer next, Runnable refused) {
        if (!transport.output().holdForLayer()) {
            return false;
        }
        loop.execute(() -> {
            if (!transport.upgrade(next)) {
                refused.run();
            }
        });
        return true;
    }

    // ---- IoDevice: writing --------------------------------------------------------------

    @Override
    public long write(byte[] data) {
        return transport.output().write(ByteBuffer.wrap(data));
    }

    @Override
    public long write(String text) {
        return transport.output().write(text);
    }

    @Override
    public long writeWhole(byte[] data) {
        return transport.output().writeWhole(data);
    }

    @Override
    public long write(ByteBuffer data) {
        return transport.output().write(data);
    }

    @Override
    public boolean flush() {
        boolean pending = transport.output().pending() > 0;
        if (pending) {
            if (loop.inLoop()) {
                transport.flushNow();
            } else {
                transport.output().scheduleFlush();
            }
        }
        return pending;
    }

    @Override
    public boolean sync() {
        flush();
        if (loop.inLoop()) {
            return transport.output().pending() == 0;
        }
        return transport.output().awaitDrained(getConnectTimeout());
    }

    @Override
    public boolean shutdownOutput() {
        if (!transport.output().stopAccepting()) {
            status().reportErrorFromAnyThread(SocketError.OPERATION_ERROR, "Cannot shut down the output of socket '"
                    + getObjectId() + "' (" + endpoint() + "): it is " + getState().seedName()
                    + " or already shut down");
            return false;
        }
        loop.execute(transport::shutdownOutputRequested);
        return true;
    }

    @Override
    public long getBytesToWrite() {
        return transport.output().pending();
    }

    @Override
    public boolean isWritable() {
        return transport.output().acceptsWrites() && !isReadOnly();
    }

    // ---- IoDevice: reading --------------------------------------------------------------

    @Override
    public byte[] read(int maxSize) {
        return transport.input().read(maxSize);
    }

    @Override
    public int read(ByteBuffer target) {
        return transport.input().read(target);
    }

    @Override
    public byte[] readAll() {
        return transport.input().readAll();
    }

    @Override
    public byte[] peekAll() {
        return transport.input().peekAll();
    }

    @Override
    public String readLine() {
        return transport.input().readLine();
    }

    @Override
    public boolean canReadLine() {
        return transport.input().canReadLine();
    }

    @Override
    public long getBytesAvailable() {
        return transport.input().available();
    }

    @Override
    public boolean atEnd() {
        return transport.input().atEnd(getState() == SocketState.DISCONNECTED);
    }

    // ---- properties ---------------------------------------------------------------------

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
        return askLoop(() -> transport.osOption(option));
    }
}
