package ipsocket.impl.udp;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;

import ipsocket.impl.common.ChannelOptions;
import ipsocket.impl.common.SocketProperties;

/**
 * The UDP socket options: the shared buffer and type-of-service options, multicast TTL,
 * loopback and interface, and broadcast.
 */
final class UdpOptions {

    /** The table of UDP options. */
    static final ChannelOptions TABLE = ChannelOptions.withBufferAndTos()
            .positive(SocketProperties.MULTICAST_TTL, StandardSocketOptions.IP_MULTICAST_TTL)
            .flag(SocketProperties.MULTICAST_LOOPBACK, StandardSocketOptions.IP_MULTICAST_LOOP)
            .flag(SocketProperties.BROADCAST, StandardSocketOptions.SO_BROADCAST)
            .option(SocketProperties.MULTICAST_INTERFACE, (channel, props) -> {
                String name = props.get(SocketProperties.MULTICAST_INTERFACE);
                if (!name.isEmpty()) {
                    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, requireInterface(name));
                }
            })
            .build();

    private UdpOptions() {
    }

    /**
     * Looks up an interface by name.
     *
     * @param name the interface name such as {@code eth0}
     * @return the interface
     * @throws SocketException if there is no such interface
     */
    static NetworkInterface requireInterface(String name) throws SocketException {
        NetworkInterface found = NetworkInterface.getByName(name);
        if (found == null) {
            throw new SocketException("Cannot assign requested address: no network interface named '"
                    + name + "'");
        }
        return found;
    }
}
