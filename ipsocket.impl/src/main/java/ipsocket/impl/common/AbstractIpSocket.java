package ipsocket.impl.common;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.impl.loop.EventLoop;

/**
 * What every socket kind shares around its {@link ConnectionLifecycle}: the public entry points
 * of the lifecycle (connect, disconnect, abort, dispose), state and errors through
 * {@link SocketStatus}, listeners, the ends and byte counters, and the file-oriented IoDevice
 * members. A kind adds its {@link Transport} and its reading and writing.
 *
 * <p>State, error and signals change only on the socket's loop thread; getters read volatile
 * fields and may be called from anywhere.
 */
public abstract class AbstractIpSocket extends IpSocketProperties {
    /** How long a call from another thread waits for the loop to carry it out. */
    private static final long CALL_WAIT_MILLIS = 5_000;

    private final ListenerSupport listeners;
    private final SocketStatus status;
    private final ConnectionLifecycle lifecycle;
    private Transport transport;

    private volatile DataTap dataTap;
    private volatile InetSocketAddress localEnd;
    private volatile InetSocketAddress peerEnd;
    private volatile long bytesReceived;
    private volatile long bytesSent;

    /** Receives a copy of every arrival, for the {@code DATA_RECEIVED} event. */
    public interface DataTap {
        /**
         * Called on the loop thread with the bytes of one arrival.
         *
         * @param socket the socket
         * @param data a copy of the bytes, owned by the tap
         */
        void dataReceived(AbstractIpSocket socket, byte[] data);

        /**
         * Returns whether anyone would receive the data now; when not, no copy is made.
         *
         * @return {@code true} to be handed the next arrival
         */
        default boolean wantsData() {
            return true;
        }
    }

    /**
     * Creates a disconnected socket; the subclass then {@link #attach(Transport) attaches} its
     * transport in its constructor.
     *
     * @param loop the socket's loop
     * @param resolver where host names are looked up
     * @param objectId the socket's name
     * @param props the property values of the socket's kind
     */
    protected AbstractIpSocket(EventLoop loop, Executor resolver, String objectId, PropertyValues props) {
        super(loop, objectId, props);
        this.listeners = new ListenerSupport(this);
        this.status = new SocketStatus(this);
        this.lifecycle = new ConnectionLifecycle(this, java.util.Objects.requireNonNull(resolver, "resolver"));
    }

    /**
     * Plugs the socket kind's transport into the lifecycle; call once, from the constructor.
     *
     * @param kind the transport
     */
    protected final void attach(Transport kind) {
        this.transport = kind;
        lifecycle.attach(kind);
    }

    /**
     * Returns the socket's loop.
     *
     * @return the loop
     */
    public final EventLoop loop() {
        return loop;
    }

    /**
     * Returns state and errors.
     *
     * @return the status
     */
    public final SocketStatus status() {
        return status;
    }

    /**
     * Returns the listeners.
     *
     * @return the listeners
     */
    public final ListenerSupport listeners() {
        return listeners;
    }

    /**
     * Returns the connection state machine.
     *
     * @return the lifecycle
     */
    public final ConnectionLifecycle lifecycle() {
        return lifecycle;
    }

    @Override
    protected final void onPropertiesChanged(Set<PropertyDef<?>> changed) {
        lifecycle.propertiesChanged(changed);
    }

    @Override
    protected final void signalPropertyChanged(String name, Object oldValue, Object newValue) {
        status.firePropertyChanged(name, oldValue, newValue);
    }

    // ---- the lifecycle's entry points (any thread) ------------------------------------------

    @Override
    public void connectToHost() {
        runOnLoop(() -> lifecycle.connect(true));
    }

    @Override
    public void connectToHost(String hostname, int port) {
        Map<PropertyDef<?>, Object[]> changes = store(Map.of(SocketProperties.HOSTNAME.name(),
                hostname == null ? "" : hostname, SocketProperties.PORT.name(), port));
        runOnLoop(() -> lifecycle.connectAfter(() -> announce(changes)));
    }

    @Override
    public void disconnectFromHost() {
        transport.closeRequested(true);
        runOnLoop(() -> lifecycle.close(true));
    }

    @Override
    public void abort() {
        transport.closeRequested(false);
        runOnLoop(() -> lifecycle.close(false));
    }

    /**
     * Runs a call that changes the connection on the loop thread, so that its state is visible
     * when the caller returns (as in Qt, where these calls are synchronous):
     * <ul>
     * <li>from another thread, the call is queued and awaited (normally microseconds; at most
     * {@value #CALL_WAIT_MILLIS} ms, so that a caller holding a lock a listener waits for is
     * delayed, never deadlocked);
     * <li>on the loop thread outside this socket's signals (a timer, another socket's
     * listener), it runs at once;
     * <li>from inside a listener of this socket, it runs right after the signal being delivered,
     * so the state machine never re-enters itself.
     * </ul>
     */
    private void runOnLoop(Runnable call) {
        if (loop.inLoop()) {
            if (listeners.delivering()) {
                loop.execute(call);
            } else {
                call.run();
            }
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                call.run();
            } finally {
                done.complete(null);
            }
        });
        awaitLoop(done);
    }

    /**
     * Waits until a task handed to the loop is done: at most {@value #CALL_WAIT_MILLIS} ms, and
     * no longer than the loop runs (a task queued on a loop that has shut down never runs).
     *
     * @param done completed by the task
     * @return {@code true} if the task is done
     */
    private boolean awaitLoop(Future<?> done) {
        return loop.await(done, CALL_WAIT_MILLIS);
    }

    /**
     * Aborts the socket and releases it for good: no reconnect, no further signals after the
     * final disconnect. Returns at once; the loop finishes the work.
     */
    public final void dispose() {
        abort();
        loop.execute(lifecycle::dispose);
    }


    /**
     * Closes gracefully and releases the socket for good, waiting up to {@code timeoutMillis}
     * for pending bytes to go out; whatever is left then is discarded. A socket still looking up
     * or connecting with nothing written is aborted at once (a bundle stop or a deleted
     * configuration does not wait for connections it would only close). Must not be called on
     * the loop thread, where it does not wait.
     *
     * @param timeoutMillis how long to wait for a graceful close
     * @return {@code true} if the socket closed gracefully in time
     */
    public final boolean disposeGracefully(long timeoutMillis) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        // Done once disconnected() has been delivered, so every listener (the event bridge too)
        // has seen the close; or at once when the close needed no signal (nothing was open).
        SocketListener watcher = new SocketListener() {
            @Override
            public void disconnected(IpSocket socket) {
                closed.complete(null);
            }
        };
        listeners.add(watcher);
        SocketState state = status.state();
        if ((state == SocketState.HOST_LOOKUP || state == SocketState.CONNECTING) && getBytesToWrite() == 0) {
            abort(); // nothing to deliver: no reason to wait for a connection only to close it
        } else {
            disconnectFromHost();
        }
        loop.execute(() -> {
            if (status.state() == SocketState.DISCONNECTED) {
                closed.complete(null); // runs after the close task and the signals it fired
            }
        });
        boolean graceful = false;
        if (!loop.inLoop()) {
            try {
                closed.get(timeoutMillis, TimeUnit.MILLISECONDS);
                graceful = true;
            } catch (TimeoutException | ExecutionException e) {
                graceful = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        listeners.remove(watcher);
        dispose();
        if (!loop.inLoop()) {
            // Wait until the loop has run the disposal, so its last signals (disconnected) are
            // delivered before the caller unhooks anything, such as the event bridge.
            CompletableFuture<Void> disposed = new CompletableFuture<>();
            loop.execute(() -> disposed.complete(null));
            awaitLoop(disposed); // if the loop is stuck or gone, there is nothing more to wait for
        }
        return graceful;
    }

    @Override
    public boolean open() {
        SocketState current = status.state();
        if (current != SocketState.DISCONNECTED) {
            status.reportErrorFromAnyThread(SocketError.OPERATION_ERROR, "Cannot open socket '" + getObjectId()
                    + "' to " + endpoint() + ": it is already " + current.seedName());
            return false;
        }
        connectToHost();
        return true;
    }

    /**
     * Returns whether the socket is open: from connectToHost() (or bind) until Disconnected,
     * so also while it looks up the host, connects and closes (Qt's isOpen()).
     *
     * @return {@code true} unless Disconnected
     */
    @Override
    public final boolean isOpen() {
        return status.state() != SocketState.DISCONNECTED;
    }

    @Override
    public void close() {
        disconnectFromHost();
    }

    @Override
    public void setState(SocketState requested) {
        if (requested == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        switch (requested) {
            case CONNECTED:
            case CONNECTING:
            case HOST_LOOKUP:
                SocketState current = status.state();
                if (current == SocketState.DISCONNECTED) {
                    connectToHost();
                }
                break;
            case DISCONNECTED:
            case CLOSING:
                disconnectFromHost();
                break;
            case BOUND:
                bindRequested();
                break;
            default:
                throw new IllegalArgumentException("Unknown state " + requested);
        }
    }

    /**
     * Handles a request for {@link SocketState#BOUND}.
     *
     * @throws IllegalArgumentException if the socket cannot be bound
     */
    protected abstract void bindRequested();

    // ---- state, errors and listeners ----------------------------------------------------------

    @Override
    public SocketState getState() {
        return status.state();
    }

    @Override
    public SocketError getError() {
        return status.error();
    }

    @Override
    public String getErrorString() {
        return status.errorString();
    }

    @Override
    public String getDeviceErrorString() {
        return status.deviceErrorString();
    }

    @Override
    public void addListener(SocketListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(SocketListener listener) {
        listeners.remove(listener);
    }

    /**
     * Writes all the bytes or none, for writes that must not be torn (an inbound WRITE event):
     * a stream accepts them only if they all fit in its write buffer now; a datagram socket
     * sends them as one datagram, which is whole by nature.
     *
     * @param data the bytes
     * @return {@code data.length} if accepted, 0 if they do not fit now, -1 if the socket is
     *         not writable (with the error reported)
     */
    public long writeWhole(byte[] data) {
        return write(data);
    }

    /**
     * Reports an error found outside the socket (a bad configuration value, an inbound write
     * event that cannot be done); the report is queued on the loop thread.
     *
     * @param newError the error
     * @param text the description
     */
    public final void reportExternalError(SocketError newError, String text) {
        status.reportErrorFromAnyThread(newError, text);
    }

    // ---- ends and traffic -----------------------------------------------------------------------


    /**
     * Runs a query on the loop thread and waits up to 5 s for its answer (less if the loop shuts
     * down meanwhile); for tests and
     * diagnostics, callable from any thread.
     *
     * @param <T> the answer type
     * @param query what to ask
     * @return the answer
     * @throws IllegalStateException if the query fails or the loop does not answer
     */
    protected final <T> T askLoop(Callable<T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                result.complete(query.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        };
        if (loop.inLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
        if (!awaitLoop(result)) {
            throw new IllegalStateException(Thread.currentThread().isInterrupted() ? "Interrupted"
                    : "The event loop did not answer within " + CALL_WAIT_MILLIS + " ms");
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cannot happen: the result is there
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /**
     * Records the local and remote end of the open channel ({@code null} when closed).
     *
     * @param local the local end
     * @param peer the connected peer, or {@code null}
     */
    public final void setEnds(InetSocketAddress local, InetSocketAddress peer) {
        this.localEnd = local;
        this.peerEnd = peer;
    }

    /**
     * Returns the connected peer.
     *
     * @return the peer, or {@code null} when not connected
     */
    public final InetSocketAddress peerEnd() {
        return peerEnd;
    }

    /**
     * Returns the local end of the open channel.
     *
     * @return the local end, or {@code null} when closed
     */
    public final InetSocketAddress localEnd() {
        return localEnd;
    }

    /**
     * Counts received bytes; call on the loop thread.
     *
     * @param count the bytes just received
     */
    public final void countReceived(long count) {
        bytesReceived += count;
    }

    /**
     * Counts bytes handed to the OS and signals bytesWritten; call on the loop thread.
     *
     * @param count the bytes just sent
     */
    public final void reportSent(long count) {
        bytesSent += count;
        listeners.fire(listener -> listener.bytesWritten(this, count));
    }

    @Override
    public String getLocalAddress() {
        InetSocketAddress local = localEnd;
        return local != null ? local.getAddress().getHostAddress() : props.get(SocketProperties.LOCAL_ADDRESS);
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress local = localEnd;
        return local != null ? local.getPort() : props.get(SocketProperties.LOCAL_PORT);
    }

    @Override
    public String getPeerAddress() {
        InetSocketAddress peer = peerEnd;
        return peer != null ? peer.getAddress().getHostAddress() : "";
    }

    @Override
    public int getPeerPort() {
        InetSocketAddress peer = peerEnd;
        return peer != null ? peer.getPort() : 0;
    }

    @Override
    public long getBytesReceived() {
        return bytesReceived;
    }

    @Override
    public long getBytesSent() {
        return bytesSent;
    }

    @Override
    public long getReconnectCount() {
        return lifecycle.reconnectCount();
    }

    /**
     * Returns the local bind address the configuration asks for.
     *
     * @return the address with the configured port; the wildcard address when none is set
     * @throws IOException if the configured local address is not an IP literal
     */
    public final InetSocketAddress configuredLocalEnd() throws IOException {
        String address = props.get(SocketProperties.LOCAL_ADDRESS);
        int port = props.get(SocketProperties.LOCAL_PORT);
        if (address.isEmpty()) {
            return new InetSocketAddress(port);
        }
        InetAddress literal = IpLiterals.parse(address).orElseThrow(() -> new IOException(
                "Cannot assign requested address: localAddress '" + address + "' is not an IP literal"));
        return new InetSocketAddress(literal, port);
    }

    // ---- IoDevice members of a stream that is no file ----------------------------------------

    @Override
    public boolean isAppend() {
        return false;
    }

    @Override
    public boolean isTruncate() {
        return false;
    }

    @Override
    public boolean isUnbuffered() {
        return false;
    }

    @Override
    public long getPos() {
        return 0;
    }

    @Override
    public long getSize() {
        return getBytesAvailable();
    }

    /**
     * Sets the tap that receives a copy of every arrival while {@code publishData} is on.
     *
     * @param tap the tap, or {@code null} for none
     */
    public final void setDataTap(DataTap tap) {
        this.dataTap = tap;
    }

    /**
     * Hands a copy of arriving bytes to the data tap when there is one and {@code publishData}
     * is on; leaves the buffer's position unchanged. Call on the loop thread.
     *
     * @param arrival the bytes that arrived, from position to limit
     */
    public final void tapData(ByteBuffer arrival) {
        DataTap tap = dataTap;
        if (tap != null && props.get(SocketProperties.PUBLISH_DATA) && tap.wantsData()) {
            byte[] copy = new byte[arrival.remaining()];
            arrival.duplicate().get(copy);
            tap.dataReceived(this, copy);
        }
    }


    /**
     * Applies a whole configuration, already converted and checked by the component layer: every
     * property takes its value from the settings, in one change on the loop, and each property
     * that changes is signalled and acted on as if set through its setter.
     *
     * @param settings the settings of this socket's kind
     * @throws IllegalArgumentException if the settings are for another kind of socket
     */
    public final void applySettings(SocketSettings settings) {
        deserializeProperties(ofThisKind(settings).toMap());
    }

    private SocketSettings ofThisKind(SocketSettings settings) {
        if (!settings.definitions().equals(props.definitions())) {
            throw new IllegalArgumentException("settings for another kind of socket than " + this);
        }
        return settings;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + getObjectId() + " " + endpoint() + " "
                + status.state().seedName() + "]";
    }
}
