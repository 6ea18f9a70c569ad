package ipsocket.impl.common;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current values of one socket's writable properties; readable from any thread.
 *
 * <p>Values sit in an array with a slot for each property of the socket's kind; where each one
 * sits, and the key-to-property map, are shared by every socket of a kind
 * ({@link PropertyLayout}), so an idle socket pays one small array for its settings.
 */
public final class PropertyValues {
    /** Volatile access to the values: an array and this handle, not an atomic array object per socket. */
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(Object[].class);

    private final PropertyLayout layout;
    private final Object[] values;

    /**
     * Creates the store with every property at its default.
     *
     * @param definitions the properties this socket has: {@link SocketProperties#TCP} or
     *        {@link SocketProperties#UDP}
     */
    public PropertyValues(List<PropertyDef<?>> definitions) {
        this.layout = SocketProperties.layout(definitions);
        this.values = new Object[definitions.size()];
        for (PropertyDef<?> definition : definitions) {
            values[layout.slot(definition)] = definition.defaultValue(); // published by the final field
        }
    }

    /**
     * Returns the properties of this store.
     *
     * @return the definitions, in a stable order
     */
    public List<PropertyDef<?>> definitions() {
        return layout.definitions();
    }

    /**
     * Returns the definition of a key.
     *
     * @param name the configuration key
     * @return the definition, or {@code null} for an unknown key
     */
    public PropertyDef<?> definition(String name) {
        return layout.byName().get(name);
    }

    /**
     * Returns a property's value.
     *
     * @param <T> the value type
     * @param definition the property
     * @return the value, or {@code null} for a property this kind of socket does not have
     */
    @SuppressWarnings("unchecked")
    public <T> T get(PropertyDef<T> definition) {
        int slot = layout.slot(definition);
        return slot < 0 ? null : (T) VALUES.getVolatile(values, slot);
    }

    /**
     * Stores a value that was already converted and checked. A value equal to the default is
     * stored as the default's own instance, so thousands of sockets configured alike do not each
     * keep a boxed copy of it.
     *
     * @param <T> the value type
     * @param definition the property
     * @param value the value
     * @return the previous value
     * @throws IllegalArgumentException for a property this kind of socket does not have
     */
    @SuppressWarnings("unchecked")
    public <T> T put(PropertyDef<T> definition, T value) {
        int slot = layout.slot(definition);
        if (slot < 0) {
            throw new IllegalArgumentException("'" + definition.name() + "' is not a property of this kind of socket");
        }
        T defaultValue = definition.defaultValue();
        return (T) VALUES.getAndSet(values, slot, value != null && value.equals(defaultValue) ? defaultValue : value);
    }

    /**
     * Converts every known key of a raw map, checking all values before any is used.
     *
     * @param raw keys and typed or String values; unknown keys are ignored
     * @return the converted values in definition order
     * @throws IllegalArgumentException naming every bad value if any value is bad
     */
    public Map<PropertyDef<?>, Object> convertAll(Map<String, ?> raw) {
        Map<PropertyDef<?>, Object> converted = new LinkedHashMap<>();
        StringBuilder problems = new StringBuilder();
        for (PropertyDef<?> definition : layout.definitions()) {
            if (!raw.containsKey(definition.name())) {
                continue;
            }
            try {
                converted.put(definition, definition.convert(raw.get(definition.name())));
            } catch (IllegalArgumentException e) {
                problems.append(problems.length() == 0 ? "" : "; ").append(e.getMessage());
            }
        }
        if (problems.length() > 0) {
            throw new IllegalArgumentException(problems.toString());
        }
        return converted;
    }

    /**
     * Returns every property as a map of plain values: Strings, Integers, Booleans, String
     * arrays for lists, and the InCore name for the protocol.
     *
     * @return a new modifiable map in definition order
     */
    public Map<String, Object> toPlainMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (PropertyDef<?> definition : layout.definitions()) {
            map.put(definition.name(), plain(get(definition)));
        }
        return map;
    }

    /**
     * Returns a value in the plain form used by maps, JSON and events.
     *
     * @param value a property value
     * @return the plain form
     */
    public static Object plain(Object value) {
        if (value instanceof ipsocket.api.NetworkProtocol) {
            return ((ipsocket.api.NetworkProtocol) value).seedName();
        }
        if (value instanceof ipsocket.api.PeerVerifyMode) {
            return ((ipsocket.api.PeerVerifyMode) value).seedName();
        }
        if (value instanceof List) {
            return ((List<?>) value).toArray(new String[0]);
        }
        return value;
    }

    /**
     * Returns the current values of some properties, to compare with later values through
     * {@link java.util.Arrays#equals(Object[], Object[])}; a bare array, because a connected
     * socket keeps one (no list object around it).
     *
     * @param definitions the properties
     * @return their values, in the same order
     */
    public Object[] snapshot(List<PropertyDef<?>> definitions) {
        Object[] snapshot = new Object[definitions.size()];
        for (int i = 0; i < snapshot.length; i++) {
            snapshot[i] = get(definitions.get(i));
        }
        return snapshot;
    }
}
