package ipsocket.impl.common;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import ipsocket.api.NetworkProtocol;
import ipsocket.api.PeerVerifyMode;

/**
 * One writable socket property: its key, type, default and the rule its values follow.
 *
 * <p>{@link #convert(Object)} turns what configuration hands in (typed values, or Strings from
 * {@code .cfg} files and shells) into the property's type and checks the range, with an
 * {@link IllegalArgumentException} that names the property, the value and what was expected.
 *
 * @param <T> the value type
 */
public final class PropertyDef<T> {
    private static final java.util.concurrent.atomic.AtomicInteger COUNT = new java.util.concurrent.atomic.AtomicInteger();

    private final int index = COUNT.getAndIncrement();
    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final Function<Object, T> converter;

    private PropertyDef(String name, Class<T> type, T defaultValue, Function<Object, T> converter) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.converter = converter;
    }

    /**
     * Returns this property's slot in a socket's value array; unique among all properties.
     *
     * @return the index, 0 to {@link #count()} - 1
     */
    int index() {
        return index;
    }

    /**
     * Returns how many properties exist, the size of a value array.
     *
     * @return the number of property definitions
     */
    static int count() {
        return COUNT.get();
    }

    /**
     * Returns the configuration key.
     *
     * @return the key
     */
    public String name() {
        return name;
    }

    /**
     * Returns the value type.
     *
     * @return the type
     */
    public Class<T> type() {
        return type;
    }

    /**
     * Returns the default value.
     *
     * @return the default
     */
    public T defaultValue() {
        return defaultValue;
    }

    /**
     * Converts and checks a raw value.
     *
     * @param raw a typed value or its String form
     * @return the value in this property's type
     * @throws IllegalArgumentException if the value has the wrong type or range
     */
    public T convert(Object raw) {
        if (raw == null) {
            throw new IllegalArgumentException(name + " must not be empty (null)");
        }
        return converter.apply(raw);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Most entries of a list value (multicast groups). */
    static final int MAX_LIST = 64;

    /** Longest text value; the longest DNS name is 253 characters. */
    static final int MAX_TEXT = 255;

    static PropertyDef<String> text(String name, String defaultValue) {
        return new PropertyDef<>(name, String.class, defaultValue, raw -> {
            if (raw instanceof String) {
                String value = ((String) raw).trim();
                if (value.length() > MAX_TEXT) {
                    throw new IllegalArgumentException(name + " '" + Texts.abbreviate(value) + "' is too long: at most "
                            + MAX_TEXT + " characters");
                }
                return value;
            }
            throw wrongType(name, raw, "text");
        });
    }

    /** Text that is empty or passes {@code check}, which throws with a message when it does not. */
    static PropertyDef<String> checkedText(String name, String defaultValue, Function<String, String> check) {
        PropertyDef<String> plain = text(name, defaultValue);
        return new PropertyDef<>(name, String.class, defaultValue, raw -> {
            String value = plain.converter.apply(raw);
            return value.isEmpty() ? value : check.apply(value);
        });
    }

    static PropertyDef<Boolean> flag(String name, boolean defaultValue) {
        return new PropertyDef<>(name, Boolean.class, defaultValue, raw -> {
            if (raw instanceof Boolean) {
                return (Boolean) raw;
            }
            if (raw instanceof String) {
                String text = ((String) raw).trim().toLowerCase(Locale.ROOT);
                if (text.equals("true")) {
                    return Boolean.TRUE;
                }
                if (text.equals("false")) {
                    return Boolean.FALSE;
                }
            }
            throw wrongType(name, raw, "true or false");
        });
    }

    /**
     * Defines an integer property: anywhere in {@code [min, max]}, or exactly {@code special}.
     *
     * @param name the key
     * @param defaultValue the default
     * @param min the smallest value
     * @param max the largest value
     * @param special one more value outside the range, or {@code null}
     * @return the definition
     */
    public static PropertyDef<Integer> integer(String name, int defaultValue, int min, int max, Integer special) {
        String expected = (special == null ? "" : special + " or ") + min + " to " + max;
        return new PropertyDef<>(name, Integer.class, defaultValue, raw -> {
            long value = toLong(name, raw, expected);
            boolean inRange = value >= min && value <= max;
            if (!inRange && (special == null || value != special)) {
                throw new IllegalArgumentException(name + " " + value + " is out of range: expected "
                        + expected);
            }
            return (int) value;
        });
    }

    /** An integer with no range: ports to connect to are checked when connecting. */
    static PropertyDef<Integer> anyInteger(String name, int defaultValue) {
        return new PropertyDef<>(name, Integer.class, defaultValue, raw -> {
            long value = toLong(name, raw, "an integer");
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " " + value + " is not a 32-bit integer");
            }
            return (int) value;
        });
    }

    static PropertyDef<NetworkProtocol> protocol(String name) {
        return new PropertyDef<>(name, NetworkProtocol.class, NetworkProtocol.ANY_IP_PROTOCOL, raw -> {
            NetworkProtocol protocol;
            if (raw instanceof String && ((String) raw).length() > 40) {
                throw new IllegalArgumentException(name + " '" + Texts.abbreviate(raw)
                        + "' is not a protocol: expected IPv4Protocol, IPv6Protocol or AnyIPProtocol");
            }
            try {
                if (raw instanceof NetworkProtocol) {
                    protocol = (NetworkProtocol) raw;
                } else if (raw instanceof Number) {
                    protocol = NetworkProtocol.fromValue((int) toLong(name, raw, "0, 1 or 2"));
                } else if (raw instanceof String) {
                    if (((String) raw).chars().anyMatch(c -> Character.isDigit(c) && (c < '0' || c > '9'))) {
                        // NetworkProtocol.parse takes numbers through Integer.parseInt: any script's digits
                        throw new IllegalArgumentException("'" + Texts.abbreviate(raw)
                                + "' has digits other than 0-9: expected IPv4Protocol, IPv6Protocol or AnyIPProtocol");
                    }
                    protocol = NetworkProtocol.parse((String) raw);
                } else {
                    throw wrongType(name, raw, "IPv4Protocol, IPv6Protocol or AnyIPProtocol");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
            if (protocol == NetworkProtocol.UNKNOWN_PROTOCOL) {
                throw new IllegalArgumentException(name + " UnknownProtocol cannot be used to connect:"
                        + " expected IPv4Protocol, IPv6Protocol or AnyIPProtocol");
            }
            return protocol;
        });
    }

    static PropertyDef<PeerVerifyMode> peerVerifyMode(String name) {
        String expected = "VerifyNone, QueryPeer, VerifyPeer or AutoVerifyPeer";
        return new PropertyDef<>(name, PeerVerifyMode.class, PeerVerifyMode.AUTO_VERIFY_PEER, raw -> {
            if (raw instanceof PeerVerifyMode) {
                return (PeerVerifyMode) raw;
            }
            try {
                if (raw instanceof Number) {
                    return PeerVerifyMode.fromValue((int) toLong(name, raw, "0 to 3"));
                }
                if (raw instanceof String && ((String) raw).length() <= 40) {
                    return PeerVerifyMode.parse((String) raw);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
            throw wrongType(name, raw, expected);
        });
    }

    /** A text list with a default other than empty (the TLS protocol versions). */
    static PropertyDef<List<String>> textList(String name, List<String> defaultValue) {
        PropertyDef<List<String>> plain = textList(name, Function.identity());
        return new PropertyDef<>(name, plain.type, List.copyOf(defaultValue), plain.converter);
    }

    @SuppressWarnings("unchecked")
    static PropertyDef<List<String>> textList(String name, Function<String, String> elementCheck) {
        Class<List<String>> type = (Class<List<String>>) (Class<?>) List.class;
        return new PropertyDef<>(name, type, List.of(), raw -> {
            List<String> values = new ArrayList<>();
            if (raw instanceof String) {
                for (String part : ((String) raw).split(",")) {
                    if (!part.isBlank()) {
                        values.add(part.trim());
                    }
                }
            } else if (raw instanceof String[]) {
                for (String part : (String[]) raw) {
                    values.add(String.valueOf(part).trim());
                }
            } else if (raw instanceof Collection) {
                for (Object part : (Collection<?>) raw) {
                    if (!(part instanceof String)) {
                        throw wrongType(name, raw, "a list of text");
                    }
                    values.add(((String) part).trim());
                }
            } else {
                throw wrongType(name, raw, "a list of text");
            }
            if (values.size() > MAX_LIST) {
                throw new IllegalArgumentException(name + " has " + values.size() + " entries: at most " + MAX_LIST);
            }
            List<String> checked = new ArrayList<>(values.size());
            for (String value : values) {
                checked.add(elementCheck.apply(value));
            }
            return List.copyOf(checked);
        });
    }

    /**
     * Converts an integer value: a typed integer ({@code Integer}, {@code Long}, {@code Short},
     * {@code Byte}, {@code BigInteger}, or a {@code BigDecimal} written without a fraction or
     * exponent, as JSON gives them), or text of ASCII digits with an optional sign. Text such as
     * {@code 1e3}, {@code 5020.0} or digits of other scripts, and floating-point values, are no
     * integers: a configuration means exactly what it says or is refused.
     */
    private static long toLong(String name, Object raw, String expected) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof BigInteger || raw instanceof BigDecimal || raw instanceof String) {
            String text = raw instanceof BigDecimal ? raw.toString() : raw.toString().trim();
            if (text.length() > 40) { // no integer of ours is longer; parsing huge text is slow
                throw new IllegalArgumentException(name + " '" + Texts.abbreviate(text)
                        + "' is not an integer: expected " + expected);
            }
            if (!isAsciiInteger(text)) {
                throw new IllegalArgumentException(name + " '" + Texts.abbreviate(text)
                        + "' is not an integer (only digits 0-9 with an optional sign): expected " + expected);
            }
            try {
                return new BigDecimal(text).longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(name + " '" + Texts.abbreviate(text)
                        + "' is not an integer: expected " + expected, e);
            }
        }
        throw wrongType(name, raw, expected);
    }

    /** Whether text is an optional sign and one or more ASCII digits, nothing else. */
    private static boolean isAsciiInteger(String text) {
        int start = !text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        if (start == text.length()) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException wrongType(String name, Object raw, String expected) {
        return new IllegalArgumentException(name + " has a value of type " + raw.getClass().getSimpleName()
                + " ('" + Texts.abbreviate(raw) + "'): expected " + expected);
    }
}
