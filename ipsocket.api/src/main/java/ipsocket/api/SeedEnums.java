package ipsocket.api;

import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The look-ups every enumeration with InCore values and names shares: by value, by InCore name,
 * and the parsing of configuration text (the InCore name, the Java constant name or the number).
 * Package-private: each enumeration offers them as its own static methods.
 */
final class SeedEnums {
    private SeedEnums() {
    }

    static <E extends Enum<E>> E fromValue(E[] constants, ToIntFunction<E> valueOf, int value, String type,
            String expected) {
        for (E constant : constants) {
            if (valueOf.applyAsInt(constant) == value) {
                return constant;
            }
        }
        throw new IllegalArgumentException("Unknown " + type + " value " + value + ": expected " + expected);
    }

    static <E extends Enum<E>> E fromSeedName(E[] constants, Function<E, String> seedNameOf, String seedName,
            String type) {
        for (E constant : constants) {
            if (seedNameOf.apply(constant).equals(seedName)) {
                return constant;
            }
        }
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < constants.length; i++) {
            names.append(i == 0 ? "" : i == constants.length - 1 ? " or " : ", ").append(seedNameOf.apply(constants[i]));
        }
        throw new IllegalArgumentException("Unknown " + type + " name '" + seedName + "': expected " + names);
    }

    static <E extends Enum<E>> E parse(E[] constants, Function<E, String> seedNameOf, ToIntFunction<E> valueOf,
            String text, String type, String expectedValues) {
        if (text == null) {
            throw new IllegalArgumentException("Missing " + type + ": expected a name such as "
                    + seedNameOf.apply(constants[constants.length - 1]) + " or a number");
        }
        String trimmed = text.trim();
        for (E constant : constants) {
            if (seedNameOf.apply(constant).equals(trimmed) || constant.name().equals(trimmed)) {
                return constant;
            }
        }
        try {
            return fromValue(constants, valueOf, Integer.parseInt(trimmed), type, expectedValues);
        } catch (NumberFormatException notANumber) {
            return fromSeedName(constants, seedNameOf, trimmed, type);
        }
    }
}
