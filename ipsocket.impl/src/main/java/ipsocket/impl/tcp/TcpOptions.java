package ipsocket.impl.tcp;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketProperties;

/**
 * Applies the TCP socket options of a socket's properties to a channel, before connecting and
 * live. Keepalive tuning uses {@code jdk.net.ExtendedSocketOptions} looked up by name among the
 * channel's supported options, so the bundle needs no import of {@code jdk.net}.
 */
final class TcpOptions {

    /** The properties that map to an option on the OS socket. */
    static final List<PropertyDef<?>> OPTION_PROPERTIES = List.of(SocketProperties.LOW_DELAY,
            SocketProperties.KEEP_ALIVE, SocketProperties.TYPE_OF_SERVICE,
            SocketProperties.RECEIVE_BUFFER_SIZE, SocketProperties.SEND_BUFFER_SIZE, SocketProperties.LINGER,
            SocketProperties.KEEP_ALIVE_IDLE, SocketProperties.KEEP_ALIVE_INTERVAL,
            SocketProperties.KEEP_ALIVE_COUNT);

    private TcpOptions() {
    }

    /**
     * Applies every option property; a failure is handed to {@code problems} and the others
     * are still applied.
     *
     * @param channel the channel
     * @param props the socket's properties
     * @param onlyNonDefault skip properties at their default (for a fresh channel)
     * @param problems receives the property and the failure
     */
    static void applyAll(SocketChannel channel, PropertyValues props, boolean onlyNonDefault,
            BiConsumer<PropertyDef<?>, Exception> problems) {
        for (PropertyDef<?> definition : OPTION_PROPERTIES) {
            if (onlyNonDefault && props.get(definition).equals(definition.defaultValue())) {
                continue;
            }
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
     * @throws UnsupportedOperationException if the platform lacks the option
     */
    static void apply(SocketChannel channel, PropertyValues props, PropertyDef<?> definition)
            throws IOException {
        if (definition == SocketProperties.LOW_DELAY) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, props.get(SocketProperties.LOW_DELAY));
        } else if (definition == SocketProperties.KEEP_ALIVE) {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, props.get(SocketProperties.KEEP_ALIVE));
        } else if (definition == SocketProperties.TYPE_OF_SERVICE) {
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
        } else if (definition == SocketProperties.LINGER) {
            channel.setOption(StandardSocketOptions.SO_LINGER, props.get(SocketProperties.LINGER));
        } else if (definition == SocketProperties.KEEP_ALIVE_IDLE) {
            setExtended(channel, "TCP_KEEPIDLE", props.get(SocketProperties.KEEP_ALIVE_IDLE));
        } else if (definition == SocketProperties.KEEP_ALIVE_INTERVAL) {
            setExtended(channel, "TCP_KEEPINTERVAL", props.get(SocketProperties.KEEP_ALIVE_INTERVAL));
        } else if (definition == SocketProperties.KEEP_ALIVE_COUNT) {
            setExtended(channel, "TCP_KEEPCOUNT", props.get(SocketProperties.KEEP_ALIVE_COUNT));
        }
    }

    /** Sets an extended integer option; 0 means the OS default, which is left untouched. */
    @SuppressWarnings("unchecked")
    private static void setExtended(SocketChannel channel, String name, int value) throws IOException {
        if (value <= 0) {
            return;
        }
        SocketOption<Integer> option = (SocketOption<Integer>) find(channel.supportedOptions(), name);
        if (option == null) {
            throw new UnsupportedOperationException(name + " is not supported on this platform");
        }
        channel.setOption(option, value);
    }

    private static SocketOption<?> find(Set<SocketOption<?>> options, String name) {
        for (SocketOption<?> option : options) {
            if (option.name().equals(name)) {
                return option;
            }
        }
        return null;
    }
}
