package ipsocket.impl.osgi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ipsocket.api.SocketConfig;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.common.SocketSettings;
import ipsocket.impl.common.Texts;

/**
 * Reads the properties DS hands a socket component (a ConfigAdmin configuration or the
 * properties given to a component factory) into the {@link SocketSettings} the engine takes.
 *
 * <p>Values may be typed ({@code .config} files, Configurator JSON, code) or Strings
 * ({@code .cfg} files, the Karaf and Felix shells); each key is converted and checked by its
 * {@link PropertyDef}. A key that is absent keeps its default; a bad value keeps the default too
 * and becomes a {@link ConfigurationProblem}, so one bad key never stops the others. Beyond the
 * conversion, a configuration is held to what only makes sense for a configuration: a hostname
 * must be a host name or IP literal (no spaces, no URL), and {@code reconnectMinInterval} must not
 * exceed {@code reconnectMaxInterval} (when it does, both keep their defaults). Keys that are no
 * socket property of the kind are returned as {@linkplain Reading#unknownKeys() unknown}, except
 * the standard ones ({@code objectId}, {@code service.*}, {@code component.*},
 * {@code felix.fileinstall.*}, {@code osgi.*} such as DS's {@code osgi.ds.satisfying.condition.target},
 * and reference targets {@code *.target}) and private ones (leading dot), which are left to the caller.
 */
public final class ConfigurationReader {

    /**
     * What one configuration gave.
     *
     * @param settings the settings to apply: the good values, and defaults for absent and bad ones
     * @param problems one per bad value, in definition order, then the cross-key checks; empty
     *        when every value was good
     * @param unknownKeys the keys that are no property of the kind and no standard key, such as
     *        a misspelled {@code hostnmae}, sorted; their values are ignored
     */
    public record Reading(SocketSettings settings, List<ConfigurationProblem> problems, List<String> unknownKeys) {
        /**
         * Creates the result.
         *
         * @param settings the settings to apply
         * @param problems the problems found, copied
         * @param unknownKeys the unknown keys, copied
         */
        public Reading {
            problems = List.copyOf(problems);
            unknownKeys = List.copyOf(unknownKeys);
        }
    }

    /** Key prefixes that frameworks and tools put into a configuration; never unknown keys. */
    private static final List<String> STANDARD_PREFIXES = List.of("service.", "component.", "felix.fileinstall.",
            "osgi.", ".");

    private ConfigurationReader() {
    }

    /**
     * Reads a configuration for one kind of socket.
     *
     * @param definitions the properties of the kind: {@code SocketProperties.TCP} or
     *        {@code SocketProperties.UDP}
     * @param properties the configuration's properties, typed or as Strings
     * @return the settings and the problems found
     */
    public static Reading read(List<PropertyDef<?>> definitions, Map<String, ?> properties) {
        SocketSettings.Builder settings = SocketSettings.builder(definitions);
        List<ConfigurationProblem> problems = new ArrayList<>();
        Map<String, Object> good = new HashMap<>();
        for (PropertyDef<?> definition : definitions) {
            Object raw = properties.get(definition.name());
            if (raw == null) {
                continue;
            }
            try {
                good.put(definition.name(), set(settings, definition, raw));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigurationProblem(definition.name(), raw, e.getMessage()));
            }
        }
        checkReconnectBounds(definitions, properties, settings, problems, good);
        return new Reading(settings.build(), problems, unknownKeys(definitions, properties));
    }

    private static <T> T set(SocketSettings.Builder settings, PropertyDef<T> definition, Object raw) {
        T value = definition.convert(raw);
        if (definition == SocketProperties.HOSTNAME) {
            checkHostname((String) value);
        }
        settings.set(definition, value);
        return value;
    }

    /**
     * Refuses hostname text that cannot name a host, before it reaches DNS: whitespace or control
     * characters, and URLs or paths (a scheme such as {@code http://}, a slash).
     *
     * @param hostname the converted (trimmed) value
     * @throws IllegalArgumentException naming the key and the value when it cannot be a host
     */
    static void checkHostname(String hostname) {
        String reason = null;
        if (hostname.contains("://")) {
            reason = "a URL: give the host name or IP address alone, without scheme, port or path";
        } else {
            for (int i = 0; i < hostname.length() && reason == null; i++) {
                char c = hostname.charAt(i);
                if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                    reason = "it contains a space";
                } else if (Character.isISOControl(c)) {
                    reason = "it contains a control character";
                } else if (c == '/' || c == '\\' || c == '@' || c == '?' || c == '#') {
                    reason = "it contains '" + c + "'";
                }
            }
        }
        if (reason != null) {
            throw new IllegalArgumentException(SocketConfig.HOSTNAME + " '" + Texts.abbreviate(hostname)
                    + "' is not a host name or IP address: " + reason);
        }
    }

    /**
     * The cross-key check of the backoff bounds: a minimum above the maximum (an absent one at its
     * default) is refused, naming both keys and values, and both keys keep their defaults. Not
     * when either bound is bad itself: that one is reported already, once.
     */
    private static void checkReconnectBounds(List<PropertyDef<?>> definitions, Map<String, ?> properties,
            SocketSettings.Builder settings, List<ConfigurationProblem> problems, Map<String, Object> good) {
        PropertyDef<Integer> minimum = SocketProperties.RECONNECT_MIN_INTERVAL;
        PropertyDef<Integer> maximum = SocketProperties.RECONNECT_MAX_INTERVAL;
        boolean eitherBad = problems.stream().anyMatch(problem -> problem.key().equals(minimum.name())
                || problem.key().equals(maximum.name()));
        if (eitherBad || !definitions.contains(minimum) || !definitions.contains(maximum)
                || !(good.containsKey(minimum.name()) || good.containsKey(maximum.name()))) {
            return; // a bad bound is reported already; two defaults are in order
        }
        int min = (Integer) good.getOrDefault(minimum.name(), minimum.defaultValue());
        int max = (Integer) good.getOrDefault(maximum.name(), maximum.defaultValue());
        if (min <= max) {
            return;
        }
        String key = good.containsKey(minimum.name()) ? minimum.name() : maximum.name();
        problems.add(new ConfigurationProblem(key, properties.get(key), minimum.name() + " " + min
                + (good.containsKey(minimum.name()) ? "" : " (default)") + " is greater than " + maximum.name() + " "
                + max + (good.containsKey(maximum.name()) ? "" : " (default)") + ": expected " + minimum.name()
                + " <= " + maximum.name() + "; both keep their defaults (" + minimum.defaultValue() + " and "
                + maximum.defaultValue() + ")"));
        settings.set(minimum, minimum.defaultValue());
        settings.set(maximum, maximum.defaultValue());
    }

    /** The keys that are neither a property of the kind nor a standard or private key, sorted. */
    private static List<String> unknownKeys(List<PropertyDef<?>> definitions, Map<String, ?> properties) {
        Set<String> known = new HashSet<>();
        for (PropertyDef<?> definition : definitions) {
            known.add(definition.name());
        }
        List<String> unknown = new ArrayList<>();
        for (String key : properties.keySet()) {
            if (!known.contains(key) && !isStandardKey(key)) {
                unknown.add(key);
            }
        }
        unknown.sort(null);
        return unknown;
    }

    /**
     * Whether a key is one that frameworks and tools add, or a private one (leading dot).
     *
     * @param key a configuration key
     * @return whether it is never reported as unknown
     */
    static boolean isStandardKey(String key) {
        if (key.equals(SocketConfig.OBJECT_ID) || key.endsWith(".target")) {
            return true; // NAME.target: a reference's target filter, which DS takes from the configuration
        }
        for (String prefix : STANDARD_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
