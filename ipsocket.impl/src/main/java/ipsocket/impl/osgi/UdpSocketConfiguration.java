package ipsocket.impl.osgi;

import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Metatype of the UDP sockets (factory PID {@code ipsocket.UdpSocket}): the keys of both kinds,
 * the UDP keys and the console hint, each defined once in {@link SocketConfiguration} and named
 * and spelled as the keys of {@code ipsocket.api.SocketConfig}.
 */
@ObjectClassDefinition(id = "ipsocket.UdpSocket", name = "ipsocket UDP socket",
        description = "A UDP socket per factory configuration.")
public interface UdpSocketConfiguration
        extends SocketConfiguration, SocketConfiguration.Connection, SocketConfiguration.Udp, SocketConfiguration.Console {
}
