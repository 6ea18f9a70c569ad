package ipsocket.impl.common;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The properties of a socket kind that map to options of its OS socket, and how each is set:
 * one table per kind, applied before connecting or binding and live when a property changes.
 *
 * <p>Every kind shares {@link #withBufferAndTos()}: type of service and the buffer sizes.
 */
public final class ChannelOptions {

    /** Sets one option from the socket's properties. */
    @FunctionalInterface
    public interface Setter {
        /**
         * Sets the option on a channel.
         *
         * @param channel the channel
         * @param props the socket's properties
         * @throws IOException if the operating system refuses the value
         */
        void apply(NetworkChannel channel, PropertyValues props) throws IOException;
    }

    private final Map<PropertyDef<?>, Setter> setters;

    private ChannelOptions(Map<PropertyDef<?>, Setter> setters) {
        this.setters = Collections.unmodifiableMap(new LinkedHashMap<>(setters));
    }

    /**
     * Starts a table with the options every IP socket has: type of service, receive and send
     * buffer sizes (0 leaves the OS default).
     *
     * @return a builder holding those three
     */
    public static Builder withBufferAndTos() {
        return new Builder()
                .option(SocketProperties.TYPE_OF_SERVICE, (channel, props) ->
                        channel.setOption(StandardSocketOptions.IP_TOS, props.get(SocketProperties.TYPE_OF_SERVICE)))
                .positive(SocketProperties.RECEIVE_BUFFER_SIZE, StandardSocketOptions.SO_RCVBUF)
                .positive(SocketProperties.SEND_BUFFER_SIZE, StandardSocketOptions.SO_SNDBUF);
    }

    /**
     * Returns the properties in the table, in the order they are applied.
     *
     * @return the option properties
     */
    public List<PropertyDef<?>> properties() {
        return List.copyOf(setters.keySet());
    }

    /**
     * Returns whether a property maps to an option.
     *
     * @param definition the property
     * @return {@code true} if it is in the table
     */
    public boolean contains(PropertyDef<?> definition) {
        return setters.containsKey(definition);
    }

    /**
     * Applies every option; a failure is handed to {@code problems} and the others are still
     * applied.
     *
     * @param channel the channel
     * @param props the socket's properties
     * @param onlyNonDefault skip properties at their default (the OS default stays)
     * @param problems receives the property and the failure
     */
    public void applyAll(NetworkChannel channel, PropertyValues props, boolean onlyNonDefault,
            BiConsumer<PropertyDef<?>, Exception> problems) {
        for (Map.Entry<PropertyDef<?>, Setter> entry : setters.entrySet()) {
            PropertyDef<?> definition = entry.getKey();
            if (onlyNonDefault && props.get(definition).equals(definition.defaultValue())) {
                continue;
            }
            try {
                entry.getValue().apply(channel, props);
            } catch (IOException | RuntimeException e) {
                problems.accept(definition, e);
            }
        }
    }

    /**
     * Applies one property's option; does nothing for a property not in the table.
     *
     * @param channel the channel
     * @param props the socket's properties
     * @param definition the property
     * @throws IOException if the operating system refuses the value
     * @throws UnsupportedOperationException if the platform lacks the option
     */
    public void apply(NetworkChannel channel, PropertyValues props, PropertyDef<?> definition) throws IOException {
        Setter setter = setters.get(definition);
        if (setter != null) {
            setter.apply(channel, props);
        }
    }

    /**
     * Sets an integer option found by name among the channel's supported options (such as
     * {@code jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE}, without importing {@code jdk.net});
     * 0 or less leaves the OS default.
     *
     * @param channel the channel
     * @param name the option's name
     * @param value the value
     * @throws IOException if the operating system refuses the value
     * @throws UnsupportedOperationException if the platform lacks the option
     */
    @SuppressWarnings("unchecked")
    public static void setByName(NetworkChannel channel, String name, int value) throws IOException {
        if (value <= 0) {
            return;
        }
        for (SocketOption<?> option : channel.supportedOptions()) {
            if (option.name().equals(name)) {
                channel.setOption((SocketOption<Integer>) option, value);
                return;
            }
        }
        throw new UnsupportedOperationException(name + " is not supported on this platform");
    }

    /** Collects the options of a table in order. */
    public static final class Builder {
        private final Map<PropertyDef<?>, Setter> setters = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds an option.
         *
         * @param definition the property
         * @param setter how its value is set
         * @return this builder
         */
        public Builder option(PropertyDef<?> definition, Setter setter) {
            setters.put(definition, setter);
            return this;
        }

        /**
         * Adds a boolean property that maps straight to a boolean option.
         *
         * @param definition the property
         * @param option the option
         * @return this builder
         */
        public Builder flag(PropertyDef<Boolean> definition, SocketOption<Boolean> option) {
            return option(definition, (channel, props) -> channel.setOption(option, props.get(definition)));
        }

        /**
         * Adds an integer property whose value is set only when positive (0: the OS default).
         *
         * @param definition the property
         * @param option the option
         * @return this builder
         */
        public Builder positive(PropertyDef<Integer> definition, SocketOption<Integer> option) {
            return option(definition, (channel, props) -> {
                int value = props.get(definition);
                if (value > 0) {
                    channel.setOption(option, value);
                }
            });
        }

        /**
         * Finishes the table.
         *
         * @return the table
         */
        public ChannelOptions build() {
            return new ChannelOptions(setters);
        }
    }
}
