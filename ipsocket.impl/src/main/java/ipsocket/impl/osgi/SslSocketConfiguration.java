package ipsocket.impl.osgi;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of the TLS sockets (factory PID {@code ipsocket.SslSocket}): the keys of every socket,
 * the TCP keys, the TLS keys and the console hint, each defined once in {@link SocketConfiguration}.
 */
@ObjectClassDefinition(id = "ipsocket.SslSocket", name = "ipsocket TLS socket",
        description = "A TLS client socket per factory configuration.")
public interface SslSocketConfiguration extends SocketConfiguration, SocketConfiguration.Connection, SocketConfiguration.Tcp,
        SocketConfiguration.Ssl, SocketConfiguration.Console {
}
