package ipsocket.shell.config;

/**
 * Checks one configuration value before {@link SocketConfigurations#create} stores it, such as a
 * check against the kind's metatype (the Web Console page's form); a configuration with a refused
 * value is not written at all.
 */
@FunctionalInterface
public interface ValueCheck {
    /** Accepts every value: the socket itself reports a bad one (as for a {@code .cfg} file). */
    ValueCheck NONE = (key, value) -> null;

    /**
     * Checks one value.
     *
     * @param key the configuration key
     * @param value its value, as a String
     * @return why the value is refused, or {@code null} (or empty) if it is accepted
     */
    String problem(String key, String value);
}
