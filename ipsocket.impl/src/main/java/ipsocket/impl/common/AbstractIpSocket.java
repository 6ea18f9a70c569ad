package ipsocket.impl.common;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

import ipsocket.api.IpSocket;
import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.impl.loop.ChannelHandler;
import ipsocket.impl.loop.EventLoop;

/**
 * What TCP and UDP sockets share: properties, state and error reporting, listeners, JSON and
 * the file-oriented IoDevice members.
 *
 * <p>State, error and signals change only on the socket's loop thread; getters read volatile
 * fields and may be called from anywhere. Property setters check the value at once (throwing
 * {@link IllegalArgumentException}), store it, and hand the change to the loop, where the
 * {@code propertyChanged} signal is delivered and the subclass reacts in
 * {@link #onPropertiesChanged(Set)}.
 */
public abstract class AbstractIpSocket implements IpSocket {
    protected final EventLoop loop;
    protected final PropertyValues props;
    protected final ListenerSupport listeners;
    private final String objectId;

    private volatile SocketState state = SocketState.DISCONNECTED;
    private volatile SocketError error = SocketError.NO_ERROR;
    private volatile String errorString = "";
    private volatile String deviceErrorString = "";
    private volatile DataTap dataTap;
    private final Executor resolver;
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

    protected AbstractIpSocket(EventLoop loop, Executor resolver, String objectId, PropertyValues props) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.objectId = Objects.requireNonNull(objectId, "objectId");
        this.props = props;
        this.listeners = new ListenerSupport(this);
    }

    /**
     * Reacts on the loop thread to properties that changed value.
     *
     * @param changed the properties whose value changed, in definition order
     */
    protected abstract void onPropertiesChanged(Set<PropertyDef<?>> changed);

    // ---- state and errors (loop thread) -------------------------------------------------

    /**
     * Moves to a state and signals it, if it differs; call on the loop thread.
     *
     * @param next the new state
     */
    protected final void changeState(SocketState next) {
        if (state != next) {
            state = next;
            listeners.fire(listener -> listener.stateChanged(this, next));
        }
    }

    /**
     * Records and signals an error; call on the loop thread. The error and errorString
     * properties signal a change only when their value differs.
     *
     * @param newError the error
     * @param text the human-readable description
     */
    protected final void reportError(SocketError newError, String text) {
        SocketError oldError = error;
        String oldText = errorString;
        error = newError;
        errorString = text;
        if (oldError != newError) {
            firePropertyChanged("error", oldError, newError);
        }
        if (!oldText.equals(text)) {
            firePropertyChanged("errorString", oldText, text);
        }
        listeners.fire(listener -> listener.errorOccurred(this, newError, text));
    }

    /**
     * Reports an error from any thread: at once on the loop thread, otherwise queued.
     *
     * @param newError the error
     * @param text the description
     */
    protected final void reportErrorFromAnyThread(SocketError newError, String text) {
        if (loop.inLoop()) {
            reportError(newError, text);
        } else {
            loop.execute(() -> reportError(newError, text));
        }
    }

    /**
     * Records a device-level error text (IoDevice deviceErrorString) and reports the error.
     *
     * @param newError the error
     * @param text the description
     */
    protected final void reportDeviceError(SocketError newError, String text) {
        deviceErrorString = text;
        reportErrorFromAnyThread(newError, text);
    }

    /**
     * Signals a property change to the listeners; call on the loop thread.
     *
     * @param name the property name
     * @param oldValue the old value
     * @param newValue the new value
     */
    protected final void firePropertyChanged(String name, Object oldValue, Object newValue) {
        listeners.fire(listener -> listener.propertyChanged(this, name, oldValue, newValue));
    }

    /**
     * Returns {@code host:port} for messages, with IPv6 literals in brackets.
     *
     * @return the endpoint text
     */
    protected final String endpoint() {
        String host = getHostname();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + getPort();
    }

    /**
     * Checks hostname and port before connecting and reports what is wrong; call on the loop.
     *
     * @return {@code true} if both are usable
     */
    protected final boolean checkEndpoint() {
        if (getHostname().isEmpty()) {
            reportError(SocketError.EMPTY_HOST_NAME_ERROR, "Cannot connect socket '" + objectId
                    + "': no hostname is set (port " + getPort() + ")");
            return false;
        }
        int port = getPort();
        if (port < 1 || port > 65535) {
            reportError(SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR, "Cannot connect socket '" + objectId
                    + "' to " + getHostname() + ": port " + port + " is out of range 1 to 65535");
            return false;
        }
        return true;
    }

    /**
     * Returns whether hostname and port are set to usable values.
     *
     * @return {@code true} if a connection could be attempted
     */
    protected final boolean endpointValid() {
        int port = getPort();
        return !getHostname().isEmpty() && port >= 1 && port <= 65535;
    }

    // ---- connecting ---------------------------------------------------------------------

    /** True while connectToHost(hostname, port) announces its own changes: it connects itself. */
    private boolean automaticStartSuppressed;

    /**
     * Starts connecting on the loop thread; {@code explicit} when the user asked for it rather
     * than autoConnect.
     *
     * @param explicit whether the user called connectToHost()
     */
    protected abstract void beginConnect(boolean explicit);

    /**
     * Returns whether property changes now being announced must not start a connection by
     * themselves, because the caller connects right after.
     *
     * @return {@code true} while connectToHost(hostname, port) announces its changes
     */
    protected final boolean automaticStartSuppressed() {
        return automaticStartSuppressed;
    }

    @Override
    public void connectToHost() {
        loop.execute(() -> beginConnect(true));
    }

    @Override
    public void connectToHost(String hostname, int port) {
        Map<PropertyDef<?>, Object[]> changes = store(Map.of(SocketProperties.HOSTNAME.name(),
                hostname == null ? "" : hostname, SocketProperties.PORT.name(), port));
        loop.execute(() -> {
            automaticStartSuppressed = true;
            try {
                announce(changes);
            } finally {
                automaticStartSuppressed = false;
            }
            beginConnect(true);
        });
    }

    // ---- channel readiness (loop thread) -----------------------------------------------

    /**
     * Returns the selection key of the socket's open channel.
     *
     * @return the key, or {@code null} while no channel is open
     */
    protected abstract SelectionKey currentKey();

    /** Reads what the channel has; called when it is readable. */
    protected abstract void onReadable();

    /** Writes what is queued; called when the channel is writable. */
    protected abstract void onWritable();

    /**
     * Cancels timers and attempts and closes the channel because the loop is shutting down.
     *
     * @return {@code true} if a channel was open
     */
    protected abstract boolean releaseForShutdown();

    /** Hands the readiness of the socket's one channel to the socket. */
    protected final class ChannelEvents implements ChannelHandler {
        /** Creates the handler a subclass registers its channel with. */
        public ChannelEvents() {
            // the socket it belongs to is the enclosing instance
        }

        @Override
        public void onReady(SelectionKey readyKey) {
            if (readyKey != currentKey() || !readyKey.isValid()) {
                return; // a key of a channel closed meanwhile
            }
            if (readyKey.isReadable()) {
                onReadable();
            }
            if (readyKey == currentKey() && readyKey.isValid() && readyKey.isWritable()) {
                onWritable();
            }
        }

        @Override
        public void onLoopShutdown() {
            boolean wasOpen = releaseForShutdown();
            changeState(SocketState.DISCONNECTED);
            if (wasOpen) {
                listeners.fire(listener -> listener.disconnected(AbstractIpSocket.this));
            }
        }
    }

    // ---- shared plumbing (loop thread unless said otherwise) ---------------------------

    /**
     * Resolves a host for a protocol and hands the outcome to {@code onLoop} on the loop
     * thread: at once for an IP literal, after a lookup on the resolver threads otherwise.
     *
     * @param host the host name or literal
     * @param protocol which address families to keep
     * @param onLoop receives the addresses in connection order, or the failure
     */
    protected final void lookUp(String host, NetworkProtocol protocol,
            BiConsumer<List<InetAddress>, Exception> onLoop) {
        if (!HostResolver.needsLookup(host)) {
            try {
                onLoop.accept(HostResolver.resolve(host, protocol), null);
            } catch (IOException e) {
                onLoop.accept(null, e);
            }
            return;
        }
        try {
            resolver.execute(() -> {
                List<InetAddress> addresses = null;
                Exception failure = null;
                try {
                    addresses = HostResolver.resolve(host, protocol);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                List<InetAddress> result = addresses;
                Exception error = failure;
                loop.execute(() -> onLoop.accept(result, error));
            });
        } catch (RejectedExecutionException e) {
            onLoop.accept(null, new IOException("the resolver is shut down", e));
        }
    }

    /**
     * Runs a query on the loop thread and waits up to 5 s for its answer; for tests and
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
        try {
            return result.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The event loop did not answer within 5 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /**
     * Records the local and remote end of the open channel ({@code null} when closed).
     *
     * @param local the local end
     * @param peer the connected peer, or {@code null}
     */
    protected final void setEnds(InetSocketAddress local, InetSocketAddress peer) {
        this.localEnd = local;
        this.peerEnd = peer;
    }

    /**
     * Returns the connected peer.
     *
     * @return the peer, or {@code null} when not connected
     */
    protected final InetSocketAddress peerEnd() {
        return peerEnd;
    }

    /**
     * Returns the local end of the open channel.
     *
     * @return the local end, or {@code null} when closed
     */
    protected final InetSocketAddress localEnd() {
        return localEnd;
    }

    /**
     * Counts received bytes; call on the loop thread.
     *
     * @param count the bytes just received
     */
    protected final void countReceived(long count) {
        bytesReceived += count;
    }

    /**
     * Counts sent bytes; call on the loop thread.
     *
     * @param count the bytes just sent
     */
    protected final void countSent(long count) {
        bytesSent += count;
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

    /**
     * Returns the local bind address the configuration asks for.
     *
     * @return the address with the configured port; the wildcard address when none is set
     * @throws IOException if the configured local address is not an IP literal
     */
    protected final InetSocketAddress configuredLocalEnd() throws IOException {
        String address = props.get(SocketProperties.LOCAL_ADDRESS);
        int port = props.get(SocketProperties.LOCAL_PORT);
        if (address.isEmpty()) {
            return new InetSocketAddress(port);
        }
        InetAddress literal = IpLiterals.parse(address).orElseThrow(() -> new IOException(
                "Cannot assign requested address: localAddress '" + address + "' is not an IP literal"));
        return new InetSocketAddress(literal, port);
    }

    // ---- properties ----------------------------------------------------------------------

    /**
     * Converts, stores and announces one property value.
     *
     * @param <T> the value type
     * @param definition the property
     * @param raw the new value
     */
    protected final <T> void set(PropertyDef<T> definition, Object raw) {
        T value = definition.convert(raw);
        T old = props.put(definition, value);
        if (!Objects.equals(old, value)) {
            Map<PropertyDef<?>, Object[]> changes = new LinkedHashMap<>();
            changes.put(definition, new Object[] {old, value});
            loop.execute(() -> announce(changes));
        }
    }

    /**
     * Signals stored changes and lets the subclass react; call on the loop thread.
     *
     * @param changes the properties whose value changed, with old and new value
     */
    protected final void announce(Map<PropertyDef<?>, Object[]> changes) {
        changes.forEach((definition, values) -> firePropertyChanged(definition.name(),
                PropertyValues.plain(values[0]), PropertyValues.plain(values[1])));
        onPropertiesChanged(changes.keySet());
    }

    @Override
    public Map<String, Object> serializeProperties() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(ipsocket.api.SocketConfig.OBJECT_ID, objectId);
        map.putAll(props.toPlainMap());
        return map;
    }

    @Override
    public void deserializeProperties(Map<String, ?> properties) {
        Map<PropertyDef<?>, Object[]> changes = store(properties);
        if (!changes.isEmpty()) {
            loop.execute(() -> announce(changes));
        }
    }

    /**
     * Converts and checks every value first, then stores them all; call from any thread and
     * {@link #announce(Map)} the result on the loop.
     *
     * @param properties keys and typed or String values; unknown keys are ignored
     * @return the properties whose value changed, with old and new value
     * @throws IllegalArgumentException if any value is bad; nothing is stored then
     */
    protected final Map<PropertyDef<?>, Object[]> store(Map<String, ?> properties) {
        Map<PropertyDef<?>, Object> converted = props.convertAll(Objects.requireNonNull(properties));
        Map<PropertyDef<?>, Object[]> changes = new LinkedHashMap<>();
        converted.forEach((definition, value) -> {
            @SuppressWarnings("unchecked")
            PropertyDef<Object> typed = (PropertyDef<Object>) definition;
            Object old = props.put(typed, value);
            if (!Objects.equals(old, value)) {
                changes.put(definition, new Object[] {old, value});
            }
        });
        return changes;
    }

    @Override
    public String toJson() {
        return JsonProperties.toJson(serializeProperties());
    }

    @Override
    public void fromJson(String json) {
        deserializeProperties(JsonProperties.fromJson(json));
    }

    @Override
    public String getObjectId() {
        return objectId;
    }

    @Override
    public String getParent() {
        return props.get(SocketProperties.PARENT);
    }

    @Override
    public SocketState getState() {
        return state;
    }

    @Override
    public SocketError getError() {
        return error;
    }

    @Override
    public String getErrorString() {
        return errorString;
    }

    @Override
    public String getDeviceErrorString() {
        return deviceErrorString;
    }

    @Override
    public void addListener(SocketListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(SocketListener listener) {
        listeners.remove(listener);
    }

    @Override
    public boolean isAutoConnect() {
        return props.get(SocketProperties.AUTO_CONNECT);
    }

    @Override
    public void setAutoConnect(boolean autoConnect) {
        set(SocketProperties.AUTO_CONNECT, autoConnect);
    }

    @Override
    public boolean isAutoOpen() {
        return isAutoConnect();
    }

    @Override
    public void setAutoOpen(boolean autoOpen) {
        setAutoConnect(autoOpen);
    }

    @Override
    public String getHostname() {
        return props.get(SocketProperties.HOSTNAME);
    }

    @Override
    public void setHostname(String hostname) {
        set(SocketProperties.HOSTNAME, hostname == null ? "" : hostname);
    }

    @Override
    public int getPort() {
        return props.get(SocketProperties.PORT);
    }

    @Override
    public void setPort(int port) {
        set(SocketProperties.PORT, port);
    }

    @Override
    public NetworkProtocol getProtocol() {
        return props.get(SocketProperties.PROTOCOL);
    }

    @Override
    public void setProtocol(NetworkProtocol protocol) {
        if (protocol == null) {
            throw new IllegalArgumentException("protocol must not be null");
        }
        set(SocketProperties.PROTOCOL, protocol);
    }

    @Override
    public boolean isKeepAlive() {
        return props.get(SocketProperties.KEEP_ALIVE);
    }

    @Override
    public void setKeepAlive(boolean keepAlive) {
        set(SocketProperties.KEEP_ALIVE, keepAlive);
    }

    @Override
    public boolean isLowDelay() {
        return props.get(SocketProperties.LOW_DELAY);
    }

    @Override
    public void setLowDelay(boolean lowDelay) {
        set(SocketProperties.LOW_DELAY, lowDelay);
    }

    @Override
    public boolean isMulticastLoopback() {
        return props.get(SocketProperties.MULTICAST_LOOPBACK);
    }

    @Override
    public void setMulticastLoopback(boolean multicastLoopback) {
        set(SocketProperties.MULTICAST_LOOPBACK, multicastLoopback);
    }

    @Override
    public int getMulticastTtl() {
        return props.get(SocketProperties.MULTICAST_TTL);
    }

    @Override
    public void setMulticastTtl(int multicastTtl) {
        set(SocketProperties.MULTICAST_TTL, multicastTtl);
    }

    @Override
    public int getPathMtu() {
        return props.get(SocketProperties.PATH_MTU);
    }

    @Override
    public void setPathMtu(int pathMtu) {
        set(SocketProperties.PATH_MTU, pathMtu);
    }

    @Override
    public int getReceiveBufferSize() {
        return props.get(SocketProperties.RECEIVE_BUFFER_SIZE);
    }

    @Override
    public void setReceiveBufferSize(int receiveBufferSize) {
        set(SocketProperties.RECEIVE_BUFFER_SIZE, receiveBufferSize);
    }

    @Override
    public int getSendBufferSize() {
        return props.get(SocketProperties.SEND_BUFFER_SIZE);
    }

    @Override
    public void setSendBufferSize(int sendBufferSize) {
        set(SocketProperties.SEND_BUFFER_SIZE, sendBufferSize);
    }

    @Override
    public int getTypeOfService() {
        return props.get(SocketProperties.TYPE_OF_SERVICE);
    }

    @Override
    public void setTypeOfService(int typeOfService) {
        set(SocketProperties.TYPE_OF_SERVICE, typeOfService);
    }

    @Override
    public void setLocalAddress(String localAddress) {
        set(SocketProperties.LOCAL_ADDRESS, localAddress == null ? "" : localAddress);
    }

    @Override
    public void setLocalPort(int localPort) {
        set(SocketProperties.LOCAL_PORT, localPort);
    }

    @Override
    public int getConnectTimeout() {
        return props.get(SocketProperties.CONNECT_TIMEOUT);
    }

    @Override
    public void setConnectTimeout(int connectTimeout) {
        set(SocketProperties.CONNECT_TIMEOUT, connectTimeout);
    }

    @Override
    public int getReconnectMinInterval() {
        return props.get(SocketProperties.RECONNECT_MIN_INTERVAL);
    }

    @Override
    public void setReconnectMinInterval(int reconnectMinInterval) {
        set(SocketProperties.RECONNECT_MIN_INTERVAL, reconnectMinInterval);
    }

    @Override
    public int getReconnectMaxInterval() {
        return props.get(SocketProperties.RECONNECT_MAX_INTERVAL);
    }

    @Override
    public void setReconnectMaxInterval(int reconnectMaxInterval) {
        set(SocketProperties.RECONNECT_MAX_INTERVAL, reconnectMaxInterval);
    }

    @Override
    public int getReadBufferLimit() {
        return props.get(SocketProperties.READ_BUFFER_LIMIT);
    }

    @Override
    public void setReadBufferLimit(int readBufferLimit) {
        set(SocketProperties.READ_BUFFER_LIMIT, readBufferLimit);
    }

    @Override
    public int getWriteBufferLimit() {
        return props.get(SocketProperties.WRITE_BUFFER_LIMIT);
    }

    @Override
    public void setWriteBufferLimit(int writeBufferLimit) {
        set(SocketProperties.WRITE_BUFFER_LIMIT, writeBufferLimit);
    }

    @Override
    public int getMaxLineLength() {
        return props.get(SocketProperties.MAX_LINE_LENGTH);
    }

    @Override
    public void setMaxLineLength(int maxLineLength) {
        set(SocketProperties.MAX_LINE_LENGTH, maxLineLength);
    }

    @Override
    public boolean isReadOnly() {
        return props.get(SocketProperties.READ_ONLY);
    }

    @Override
    public void setReadOnly(boolean readOnly) {
        set(SocketProperties.READ_ONLY, readOnly);
    }

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

    @Override
    public String getNameArgument() {
        return getHostname().isEmpty() ? "" : endpoint();
    }

    @Override
    public void setNameArgument(String nameArgument) {
        String text = Objects.requireNonNull(nameArgument, "nameArgument").trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("nameArgument '" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("nameArgument '" + text
                    + "': write an IPv6 literal in brackets, as [::1]:502");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nameArgument '" + text + "': port is not a number", e);
        }
        deserializeProperties(Map.of(SocketProperties.HOSTNAME.name(), host,
                SocketProperties.PORT.name(), port));
    }

    @Override
    public boolean open() {
        SocketState current = state;
        if (current != SocketState.DISCONNECTED) {
            reportErrorFromAnyThread(SocketError.OPERATION_ERROR, "Cannot open socket '" + objectId
                    + "' to " + endpoint() + ": it is already " + current.seedName());
            return false;
        }
        connectToHost();
        return true;
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
                SocketState current = state;
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
     * Aborts the socket and releases it for good: no reconnect, no further signals after the
     * final disconnect. Returns at once; the loop finishes the work.
     */
    public abstract void dispose();

    /**
     * Closes gracefully and releases the socket for good, waiting up to {@code timeoutMillis}
     * for pending bytes to go out; whatever is left then is discarded. Must not be called on
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
        disconnectFromHost();
        loop.execute(() -> {
            if (state == SocketState.DISCONNECTED) {
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
            try {
                disposed.get(5, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // the loop is stuck or gone; nothing more to wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return graceful;
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
    protected final void tapData(ByteBuffer arrival) {
        DataTap tap = dataTap;
        if (tap != null && props.get(SocketProperties.PUBLISH_DATA) && tap.wantsData()) {
            byte[] copy = new byte[arrival.remaining()];
            arrival.duplicate().get(copy);
            tap.dataReceived(this, copy);
        }
    }

    /**
     * Reports an error found outside the socket (a bad configuration value, an inbound write
     * event that cannot be done); the report is queued on the loop thread.
     *
     * @param newError the error
     * @param text the description
     */
    public final void reportExternalError(SocketError newError, String text) {
        reportErrorFromAnyThread(newError, text);
    }

    /**
     * Applies a whole configuration: every key present is converted and checked, keys absent
     * return to their defaults, and a bad value leaves its property at the default. The good
     * values are applied at once, in one change on the loop.
     *
     * @param configuration the configuration's properties, typed or as Strings
     * @return the problems found, one per bad value, naming the key, the value and the range
     */
    public final List<ConfigurationProblem> applyConfiguration(Map<String, ?> configuration) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<ConfigurationProblem> problems = new ArrayList<>();
        for (PropertyDef<?> definition : props.definitions()) {
            Object raw = configuration.get(definition.name());
            if (raw == null) {
                values.put(definition.name(), definition.defaultValue());
                continue;
            }
            try {
                values.put(definition.name(), definition.convert(raw));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigurationProblem(definition, raw, e.getMessage()));
                values.put(definition.name(), definition.defaultValue());
            }
        }
        deserializeProperties(values);
        return problems;
    }

    /** A configuration value that could not be used. */
    public static final class ConfigurationProblem {
        private final PropertyDef<?> property;
        private final Object value;
        private final String message;

        ConfigurationProblem(PropertyDef<?> property, Object value, String message) {
            this.property = property;
            this.value = value;
            this.message = message;
        }

        /**
         * Returns the bad value as configured.
         *
         * @return the value
         */
        public Object value() {
            return value;
        }

        /**
         * Returns the property with the bad value.
         *
         * @return the property
         */
        public PropertyDef<?> property() {
            return property;
        }

        /**
         * Returns what is wrong, naming the key, the value and the expected range.
         *
         * @return the message
         */
        public String message() {
            return message;
        }
    }

    /**
     * Handles a request for {@link SocketState#BOUND}.
     *
     * @throws IllegalArgumentException if the socket cannot be bound
     */
    protected abstract void bindRequested();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + objectId + " " + endpoint() + " " + state.seedName() + "]";
    }
}
