package ipsocket.impl.common;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The configuration of one socket as the engine takes it: a value for every property of the
 * socket's kind, each already in its type and within its range. Immutable.
 *
 * <p>The component layer reads what ConfigAdmin hands in (typed values or Strings) into this
 * value and reports what it could not use; a socket takes it whole through
 * {@link AbstractIpSocket#applySettings(SocketSettings)}. A property that was not set keeps its
 * default, so a value always describes the complete configuration.
 */
public final class SocketSettings {
    private final List<PropertyDef<?>> definitions;
    /** Every property of the kind, in definition order; unmodifiable. */
    private final Map<PropertyDef<?>, Object> values;

    private SocketSettings(List<PropertyDef<?>> definitions, Map<PropertyDef<?>, Object> values) {
        this.definitions = definitions;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Returns the settings with every property at its default.
     *
     * @param definitions the properties of the socket's kind: {@link SocketProperties#TCP} or
     *        {@link SocketProperties#UDP}
     * @return the default settings
     */
    public static SocketSettings defaults(List<PropertyDef<?>> definitions) {
        return builder(definitions).build();
    }

    /**
     * Starts settings with every property at its default.
     *
     * @param definitions the properties of the socket's kind: {@link SocketProperties#TCP} or
     *        {@link SocketProperties#UDP}
     * @return a builder
     */
    public static Builder builder(List<PropertyDef<?>> definitions) {
        return new Builder(definitions);
    }

    /**
     * Returns the properties these settings hold a value for.
     *
     * @return the definitions of the socket's kind, in their stable order
     */
    public List<PropertyDef<?>> definitions() {
        return definitions;
    }

    /**
     * Returns the value of one property.
     *
     * @param <T> the value type
     * @param definition a property of the socket's kind
     * @return its value, never {@code null}
     * @throws IllegalArgumentException if the property is not one of the socket's kind
     */
    @SuppressWarnings("unchecked")
    public <T> T get(PropertyDef<T> definition) {
        if (!values.containsKey(definition)) {
            throw new IllegalArgumentException(definition.name() + " is not a property of these settings");
        }
        return (T) values.get(definition);
    }

    /**
     * Returns every value by its configuration key, in the typed form the properties hold
     * ({@code NetworkProtocol}, {@code List<String>}, ...).
     *
     * @return a new modifiable map in definition order
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        forEach((definition, value) -> map.put(definition.name(), value));
        return map;
    }

    /**
     * Hands every property and its value, converted and checked already, to an action, in
     * definition order.
     *
     * @param action takes a property and its value
     */
    public void forEach(BiConsumer<PropertyDef<?>, Object> action) {
        values.forEach(action);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SocketSettings && ((SocketSettings) other).values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "SocketSettings" + toMap();
    }

    /** Collects values for {@link SocketSettings}; every property not set keeps its default. */
    public static final class Builder {
        private final List<PropertyDef<?>> definitions;
        private final Map<PropertyDef<?>, Object> values = new LinkedHashMap<>();

        private Builder(List<PropertyDef<?>> definitions) {
            this.definitions = List.copyOf(definitions);
            for (PropertyDef<?> definition : this.definitions) {
                values.put(definition, definition.defaultValue());
            }
        }

        /**
         * Sets one property, checking the value against the property's range.
         *
         * @param <T> the value type
         * @param definition a property of the socket's kind
         * @param value the value in the property's type
         * @return this builder
         * @throws IllegalArgumentException if the property is not of this kind or the value is
         *         out of its range; the message names the key, the value and the range
         */
        public <T> Builder set(PropertyDef<T> definition, T value) {
            if (!values.containsKey(definition)) {
                throw new IllegalArgumentException(definition.name() + " is not a property of this kind of socket");
            }
            values.put(definition, definition.convert(value));
            return this;
        }

        /**
         * Returns the settings collected so far.
         *
         * @return the immutable settings
         */
        public SocketSettings build() {
            return new SocketSettings(definitions, new LinkedHashMap<>(values));
        }
    }
}
