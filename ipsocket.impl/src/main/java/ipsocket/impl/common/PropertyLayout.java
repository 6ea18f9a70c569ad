package ipsocket.impl.common;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each property of one kind of socket sits in a socket's value array, and the kind's
 * key-to-property map; made once per kind and shared by all its sockets, so that a socket's
 * array has a slot for its own properties only (a TCP socket has 28 of the 57 there are).
 */
final class PropertyLayout {
    private final List<PropertyDef<?>> definitions;
    private final Map<String, PropertyDef<?>> byName;
    /** Slot of each property by {@link PropertyDef#index()}; -1 for a property of another kind. */
    private final int[] slotOf;

    PropertyLayout(List<PropertyDef<?>> definitions) {
        this.definitions = definitions;
        Map<String, PropertyDef<?>> names = new LinkedHashMap<>();
        int[] slots = new int[PropertyDef.count()];
        Arrays.fill(slots, -1);
        int slot = 0;
        for (PropertyDef<?> definition : definitions) {
            names.put(definition.name(), definition);
            slots[definition.index()] = slot++;
        }
        this.byName = Collections.unmodifiableMap(names);
        this.slotOf = slots;
    }

    List<PropertyDef<?>> definitions() {
        return definitions;
    }

    Map<String, PropertyDef<?>> byName() {
        return byName;
    }

    /**
     * Returns where a property's value sits.
     *
     * @param definition the property
     * @return the slot, or -1 if this kind has no such property
     */
    int slot(PropertyDef<?> definition) {
        int index = definition.index();
        return index < slotOf.length ? slotOf[index] : -1;
    }
}
