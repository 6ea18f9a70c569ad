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
 * ({@link PropertyLayout}), so an idle socket pays one small array for its settings. A
 * connection a server accepted pays not even that until one of its values changes: see
 * {@link AcceptedValues}.
 */
public class PropertyValues {
    /** Volatile access to the values: an array and this handle, not an atomic array object per socket. */
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(Object[].class);

    private final PropertyLayout layout;
    /** This store's own array; in an {@link AcceptedValues} a template's until its first change. */
    private volatile Object[] values;

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
            values[layout.slot(definition)] = definition.defaultValue(); // published by the volatile field
        }
    }

    /**
     * Creates a store that reads a template's array, for {@link AcceptedValues}.
     *
     * @param template the values to share; never changed afterwards
     */
    PropertyValues(PropertyValues template) {
        this.layout = template.layout;
        this.values = template.values;
    }

    /**
     * Creates a store with the given values and the defaults for the rest: a template that
     * {@link AcceptedValues} share, or a socket's first values.
     *
     * @param settings the values, already converted and checked
     * @return a new store
     */
    public static PropertyValues of(SocketSettings settings) {
        PropertyValues store = new PropertyValues(settings.definitions());
        settings.forEach(store::putChecked);
        return store;
    }

    @SuppressWarnings("unchecked")
    private void putChecked(PropertyDef<?> definition, Object value) {
        put((PropertyDef<Object>) definition, value);
    }

    /**
     * Returns the properties of this store.
     *
     * @return the definitions, in a stable order
     */
    public final List<PropertyDef<?>> definitions() {
        return layout.definitions();
    }

    /**
     * Returns the definition of a key.
     *
     * @param name the configuration key
     * @return the definition, or {@code null} for an unknown key
     */
    public final PropertyDef<?> definition(String name) {
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
     * Replaces the array with a copy of itself and returns the copy, for a store that read a
     * template's array until now ({@link AcceptedValues}); call holding the store's lock.
     *
     * @return the copy, this store's array from now on
     */
    final Object[] copyValues() {
        Object[] copy = values.clone();
        values = copy;
        return copy;
    }

    /**
     * Returns where a property's value sits in the array.
     *
     * @param definition the property
     * @return the slot, or -1 if this kind of socket has no such property
     */
    final int slot(PropertyDef<?> definition) {
        return layout.slot(definition);
    }

    /**
     * Returns the name of the socket these values stand for, where they make one: the name of
     * an accepted connection follows from its server and its peer ({@link AcceptedValues}).
     *
     * @return the name, or {@code null} when the socket was given its own
     */
    public String derivedName() {
        return null;
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
