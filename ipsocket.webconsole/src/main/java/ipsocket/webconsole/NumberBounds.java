package ipsocket.webconsole;

import java.util.Map;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * The lowest and highest value a whole-number attribute accepts, found through the attribute's own
 * {@link AttributeDefinition#validate(String)}: the MetaType API has no getter for an attribute's
 * {@code min} and {@code max}, so they are found by binary search between the type's limits and a
 * value the attribute accepts (its default, else 0 or 1). A bound the attribute does not have is
 * {@code null}.
 */
final class NumberBounds {
    /** The lowest and highest value of each whole-number type. */
    private static final Map<Integer, long[]> TYPE_LIMITS = Map.of(
            AttributeDefinition.BYTE, new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE},
            AttributeDefinition.SHORT, new long[] {Short.MIN_VALUE, Short.MAX_VALUE},
            AttributeDefinition.INTEGER, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            AttributeDefinition.LONG, new long[] {Long.MIN_VALUE, Long.MAX_VALUE});

    private final String min;
    private final String max;

    private NumberBounds(String min, String max) {
        this.min = min;
        this.max = max;
    }

    /**
     * Finds the bounds of an attribute.
     *
     * @param attribute a metatype attribute
     * @return its bounds; both {@code null} for a type that is not a whole number, or when no
     *         accepted value is known to start from
     */
    static NumberBounds of(AttributeDefinition attribute) {
        long[] limits = TYPE_LIMITS.get(attribute.getType());
        Long accepted = limits == null ? null : acceptedValue(attribute);
        if (accepted == null) {
            return new NumberBounds(null, null);
        }
        String min = accepts(attribute, limits[0]) ? null : Long.toString(edge(attribute, accepted, limits[0]));
        String max = accepts(attribute, limits[1]) ? null : Long.toString(edge(attribute, accepted, limits[1]));
        return new NumberBounds(min, max);
    }

    /** @return the lowest accepted value, or {@code null} if there is no lower bound */
    String min() {
        return min;
    }

    /** @return the highest accepted value, or {@code null} if there is no upper bound */
    String max() {
        return max;
    }

    private static Long acceptedValue(AttributeDefinition attribute) {
        String[] defaults = attribute.getDefaultValue();
        if (defaults != null && defaults.length > 0) {
            try {
                long value = Long.parseLong(defaults[0].trim());
                if (accepts(attribute, value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // not a whole number: try the others
            }
        }
        for (long value : new long[] {0, 1}) {
            if (accepts(attribute, value)) {
                return value;
            }
        }
        return null;
    }

    /**
     * The accepted value next to the edge between an accepted and a refused value, on either side
     * of it: the attribute accepts a range, so every value from {@code accepted} up to the edge is
     * accepted and every value from there to {@code refused} refused.
     */
    private static long edge(AttributeDefinition attribute, long accepted, long refused) {
        // unsigned distance: from Long.MIN_VALUE to a positive value exceeds Long.MAX_VALUE
        while (Long.compareUnsigned(accepted > refused ? accepted - refused : refused - accepted, 1) > 0) {
            long middle = (refused & accepted) + ((refused ^ accepted) >> 1); // the mean, without overflow
            if (accepts(attribute, middle)) {
                accepted = middle;
            } else {
                refused = middle;
            }
        }
        return accepted;
    }

    private static boolean accepts(AttributeDefinition attribute, long value) {
        String problem = attribute.validate(Long.toString(value));
        return problem == null || problem.isEmpty();
    }
}
