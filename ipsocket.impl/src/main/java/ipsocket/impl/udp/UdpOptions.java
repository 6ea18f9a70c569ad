package ipsocket.impl.udp;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.function.BiConsumer;

import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketProperties;

/**
 * Applies the UDP socket options of a socket's properties to a datagram channel, before
 * binding and live.
 */
final class UdpOptions {

    /** The properties that map to an option on the OS socket. */
    static final List<PropertyDef<?>> OPTION_PROPERTIES = List.of(SocketProperties.TYPE_OF_SERVICE,
            SocketProperties.RECEIVE_BUFFER_SIZE, SocketProperties.SEND_BUFFER_SIZE,
            SocketProperties.MULTICAST_TTL, SocketProperties.MULTICAST_LOOPBACK, SocketProperties.BROADCAST,
            SocketProperties.MULTICAST_INTERFACE);

    private UdpOptions() {
    }

    /**
     * Applies every option property; a failure is handed to {@code problems} and the others
     * are still applied.
     *
     * @param channel the channel
     * @param props the socket's properties
     * @param problems receives the property and the failure
     */
    static void applyAll(DatagramChannel channel, PropertyValues props,
            BiConsumer<PropertyDef<?>, Exception> problems) {
        for (PropertyDef<?> definition : OPTION_PROPERTIES) {
            try {
                apply(channel, props, definition);
            } catch (IOException | RuntimeException e) {
                problems.accept(definition, e);
            }
        }
    }

    /**
     * Applies one property's option if it is an option property.
     *
     * @param channel the channel
     * @param props the socket's properties
     * @param definition the property
     * @throws IOException if the operating system refuses the value
     */
    static void apply(DatagramChannel channel, PropertyValues props, PropertyDef<?> definition)
            throws IOException {
        if (definition == SocketProperties.TYPE_OF_SERVICE) {
            channel.setOption(StandardSocketOptions.IP_TOS, props.get(SocketProperties.TYPE_OF_SERVICE));
        } else if (definition == SocketProperties.RECEIVE_BUFFER_SIZE) {
            int size = props.get(SocketProperties.RECEIVE_BUFFER_SIZE);
            if (size > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, size);
            }
        } else if (definition == SocketProperties.SEND_BUFFER_SIZE) {
            int size = props.get(SocketProperties.SEND_BUFFER_SIZE);
            if (size > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, size);
            }
        } else if (definition == SocketProperties.MULTICAST_TTL) {
            int ttl = props.get(SocketProperties.MULTICAST_TTL);
            if (ttl > 0) {
                channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);
            }
        } else if (definition == SocketProperties.MULTICAST_LOOPBACK) {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP,
                    props.get(SocketProperties.MULTICAST_LOOPBACK));
        } else if (definition == SocketProperties.BROADCAST) {
            channel.setOption(StandardSocketOptions.SO_BROADCAST, props.get(SocketProperties.BROADCAST));
        } else if (definition == SocketProperties.MULTICAST_INTERFACE) {
            String name = props.get(SocketProperties.MULTICAST_INTERFACE);
            if (!name.isEmpty()) {
                channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, requireInterface(name));
            }
        }
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
