package ipsocket.impl.osgi;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of the TCP sockets (factory PID {@code ipsocket.TcpSocket}): the keys of both kinds,
 * the TCP keys and the console hint, each defined once in {@link SocketConfiguration} and named
 * and spelled as the keys of {@code ipsocket.api.SocketConfig}.
 */
@ObjectClassDefinition(id = "ipsocket.TcpSocket", name = "ipsocket TCP socket",
        description = "A TCP client socket per factory configuration.")
public interface TcpSocketConfiguration
        extends SocketConfiguration, SocketConfiguration.Connection, SocketConfiguration.Tcp, SocketConfiguration.Console {
}
