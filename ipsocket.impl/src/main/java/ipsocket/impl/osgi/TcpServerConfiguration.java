package ipsocket.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of the TCP servers (factory PID {@code ipsocket.TcpServer}): the server's own keys,
 * defined here once, then the socket keys it gives every accepted connection, defined once in
 * {@link SocketConfiguration.Connection} and {@link SocketConfiguration.TcpConnection}. Spelled as
 * the keys of {@code ipsocket.api.SocketConfig}.
 */
@ObjectClassDefinition(id = "ipsocket.TcpServer", name = "ipsocket TCP server",
        description = "A TCP server per factory configuration; every accepted connection is a TcpSocket.")
public interface TcpServerConfiguration extends SocketConfiguration.Connection, SocketConfiguration.TcpConnection {
    /**
     * Name of the server, registered as service property objectId and carried by its events; its connections are named objectId/peer-address:peer-port. Empty: the configuration's PID.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Object id", description = "Name of the server, registered as service property objectId and carried by its events; its connections are named objectId/peer-address:peer-port. Empty: the configuration's PID.", defaultValue = "")
    String objectId();

    /**
     * IP literal to listen on: 127.0.0.1 (the default) accepts nothing from beyond this host; 0.0.0.0 or :: listen on every interface.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Local address", description = "IP literal to listen on: 127.0.0.1 (the default) accepts nothing from beyond this host; 0.0.0.0 or :: listen on every interface.", defaultValue = "127.0.0.1")
    String localAddress();

    /**
     * Port to listen on, required; 0: chosen by the OS and reported (-1: unset, the server does not listen).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Local port", description = "Port to listen on, required; 0: chosen by the OS and reported (-1: unset, the server does not listen).", min = "-1", max = "65535", defaultValue = "-1")
    int localPort();

    /**
     * Listen backlog: connections the OS completes and queues until the server accepts them.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Maximum pending connections", description = "Listen backlog: connections the OS completes and queues until the server accepts them.", min = "1", max = "65535", defaultValue = "30")
    int maxPendingConnections();

    /**
     * Most connections open at once; at the limit the server stops accepting (clients wait in the backlog) until one ends.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Maximum connections", description = "Most connections open at once; at the limit the server stops accepting (clients wait in the backlog) until one ends.", min = "1", max = "1048576", defaultValue = "64")
    int maxConnections();

    /**
     * Peers allowed to connect, as CIDR blocks or addresses (192.168.1.0/24, fd00::/8, 127.0.0.1); others are closed at once and reported by ACCEPT_ERROR. Empty: every peer.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Allowed peers", description = "Peers allowed to connect, as CIDR blocks or addresses (192.168.1.0/24, fd00::/8, 127.0.0.1); others are closed at once and reported by ACCEPT_ERROR. Empty: every peer.", defaultValue = "")
    String[] allowedPeers();

    /**
     * Closing the server (not deleting it) also disconnects its connections gracefully; off: they stay open.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Close connections on close", description = "Closing the server (not deleting it) also disconnects its connections gracefully; off: they stay open.", defaultValue = "false")
    boolean closeConnectionsOnClose();

    /**
     * Tells the Felix web console to label instances by object id and listening address.
     *
     * @return the name hint
     */
    @AttributeDefinition(name = "Name hint", description = "How consoles label instances.", required = false, defaultValue = "{objectId} {localAddress}:{localPort}")
    String webconsole_configurationFactory_nameHint();
}
