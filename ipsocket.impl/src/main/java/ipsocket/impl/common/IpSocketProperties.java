package ipsocket.impl.common;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import ipsocket.api.IpSocket;
import ipsocket.api.NetworkProtocol;
import ipsocket.impl.loop.EventLoop;

/**
 * The configuration properties of an IpSocket: typed getters and checked setters, the whole set
 * as a map or JSON, and the announcement of changes on the loop thread.
 *
 * <p>Setters check the value at once (throwing {@link IllegalArgumentException}), store it, and
 * hand the change to the loop, where the {@code propertyChanged} signal is delivered and the
 * socket reacts in {@link #onPropertiesChanged(Set)}. Getters read the stored value from any
 * thread.
 */
public abstract class IpSocketProperties implements IpSocket {
    /** The socket's loop thread. */
    protected final EventLoop loop;
    /** The stored property values. */
    protected final PropertyValues props;
    /** The name given; {@code null} where the values make it ({@link PropertyValues#derivedName()}). */
    private final String objectId;

    /**
     * Creates the properties of a socket.
     *
     * @param loop the socket's loop
     * @param objectId the socket's name, or {@code null} when the values make it (a connection a
     *        server accepted, {@link AcceptedValues})
     * @param props the values, one per property of the socket's kind
     */
    protected IpSocketProperties(EventLoop loop, String objectId, PropertyValues props) {
        this.loop = Objects.requireNonNull(loop, "loop");
        if (objectId == null && !(props instanceof AcceptedValues)) {
            throw new NullPointerException("objectId");
        }
        this.objectId = objectId;
        this.props = props;
    }

    /**
     * Reacts on the loop thread to properties that changed value.
     *
     * @param changed the properties whose value changed, in definition order
     */
    protected abstract void onPropertiesChanged(Set<PropertyDef<?>> changed);

    /**
     * Signals one property change to the listeners; called on the loop thread.
     *
     * @param name the property name
     * @param oldValue the old value
     * @param newValue the new value
     */
    protected abstract void signalPropertyChanged(String name, Object oldValue, Object newValue);

    /**
     * Returns the stored property values.
     *
     * @return the values
     */
    public final PropertyValues props() {
        return props;
    }

    /**
     * Returns {@code host:port} for messages, with IPv6 literals in brackets.
     *
     * @return the endpoint text
     */
    public final String endpoint() {
        String host = getHostname();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + getPort();
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
        changes.forEach((definition, values) -> signalPropertyChanged(definition.name(),
                PropertyValues.plain(values[0]), PropertyValues.plain(values[1])));
        onPropertiesChanged(changes.keySet());
    }

    @Override
    public Map<String, Object> serializeProperties() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(ipsocket.api.SocketConfig.OBJECT_ID, getObjectId());
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
        return objectId != null ? objectId : props.derivedName();
    }

    @Override
    public String getParent() {
        return props.get(SocketProperties.PARENT);
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
}
