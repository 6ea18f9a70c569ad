package ipsocket.impl.common;

/**
 * The property values of a connection a server accepted: the server's template for its
 * connections (their options, autoConnect off, the parent), shared by all of them, plus the
 * connection's own endpoint, its peer's address and port. A server holds thousands of such
 * connections configured alike, so none pays an array of its own until one of its values
 * changes (a live option change, a setter): then it copies the template, endpoint included,
 * and goes on like any other store.
 *
 * <p>The connection's name, {@code <parent>/<peer address>:<peer port>}, follows from these
 * values and is made when first asked for ({@link #derivedName()}); it is fixed before any value
 * it is made of can change.
 */
public final class AcceptedValues extends PropertyValues {
    /** The peer's address text while the template is shared; {@code null} once this store has its own array. */
    private volatile String sharedHost;
    private final int port;
    private volatile String name;

    /**
     * Creates the values of one accepted connection.
     *
     * @param template the server's values for its connections, made with {@link PropertyValues#of}
     *        and never changed afterwards (a new configuration makes a new template)
     * @param host the peer's address as text, the connection's hostname
     * @param port the peer's port, the connection's port
     */
    public AcceptedValues(PropertyValues template, String host, int port) {
        super(template);
        this.sharedHost = java.util.Objects.requireNonNull(host, "host");
        this.port = port;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(PropertyDef<T> definition) {
        String host = sharedHost;
        if (host != null) {
            if (definition == SocketProperties.HOSTNAME) {
                return (T) host;
            }
            if (definition == SocketProperties.PORT) {
                return (T) Integer.valueOf(port);
            }
        }
        return super.get(definition);
    }

    @Override
    public synchronized <T> T put(PropertyDef<T> definition, T value) {
        String host = sharedHost;
        if (host != null) {
            T current = get(definition);
            if (java.util.Objects.equals(current, value)) {
                return current; // nothing changes: the template stays shared
            }
            derivedName(); // made of the endpoint and the parent: fixed before they can change
            Object[] own = copyValues();
            own[slot(SocketProperties.HOSTNAME)] = host;
            own[slot(SocketProperties.PORT)] = port;
            sharedHost = null; // after the copy is complete: readers that see null read the copy
        }
        return super.put(definition, value);
    }

    @Override
    public String derivedName() {
        String made = name;
        if (made == null) {
            synchronized (this) {
                made = name;
                if (made == null) {
                    made = get(SocketProperties.PARENT) + "/" + get(SocketProperties.HOSTNAME) + ":"
                            + get(SocketProperties.PORT);
                    name = made;
                }
            }
        }
        return made;
    }
}
