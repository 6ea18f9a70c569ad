package ipsocket.impl.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The current values of one socket's writable properties; readable from any thread.
 *
 * <p>Values sit in an array indexed by {@link PropertyDef#index()}, and the key-to-property map
 * is shared by every socket of a kind, so an idle socket pays one small array for its settings.
 */
public final class PropertyValues {
    private final List<PropertyDef<?>> definitions;
    private final Map<String, PropertyDef<?>> byName;
    private final AtomicReferenceArray<Object> values;

    /**
     * Creates the store with every property at its default.
     *
     * @param definitions the properties this socket has: {@link SocketProperties#TCP} or
     *        {@link SocketProperties#UDP}
     */
    public PropertyValues(List<PropertyDef<?>> definitions) {
        this.definitions = definitions;
        this.byName = SocketProperties.byName(definitions);
        this.values = new AtomicReferenceArray<>(PropertyDef.count());
        for (PropertyDef<?> definition : definitions) {
            values.set(definition.index(), definition.defaultValue());
        }
    }

    /**
     * Returns the properties of this store.
     *
     * @return the definitions, in a stable order
     */
    public List<PropertyDef<?>> definitions() {
        return definitions;
    }

    /**
     * Returns the definition of a key.
     *
     * @param name the configuration key
     * @return the definition, or {@code null} for an unknown key
     */
    public PropertyDef<?> definition(String name) {
        return byName.get(name);
    }

    /**
     * Returns a property's value.
     *
     * @param <T> the value type
     * @param definition the property
     * @return the value
     */
    @SuppressWarnings("unchecked")
    public <T> T get(PropertyDef<T> definition) {
        return (T) values.get(definition.index());
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
     */
    @SuppressWarnings("unchecked")
    public <T> T put(PropertyDef<T> definition, T value) {
        T defaultValue = definition.defaultValue();
        return (T) values.getAndSet(definition.index(), value != null && value.equals(defaultValue) ? defaultValue
                : value);
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
        for (PropertyDef<?> definition : definitions) {
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
        for (PropertyDef<?> definition : definitions) {
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
     * Returns the current values of some properties, to compare with later values.
     *
     * @param definitions the properties
     * @return their values, in the same order
     */
    public List<Object> snapshot(List<PropertyDef<?>> definitions) {
        List<Object> snapshot = new ArrayList<>(definitions.size());
        for (PropertyDef<?> definition : definitions) {
            snapshot.add(get(definition));
        }
        return snapshot;
    }
}
