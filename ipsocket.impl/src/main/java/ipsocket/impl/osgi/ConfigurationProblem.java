package ipsocket.impl.osgi;

/**
 * A configuration value that could not be used: the socket takes the key's default instead and
 * reports the problem.
 *
 * @param key the configuration key, such as {@code port}
 * @param value the value as configured (typed, or a String from a {@code .cfg} file or a shell)
 * @param message what is wrong, naming the key, the value (abbreviated) and the expected range,
 *        such as {@code typeOfService 256 is out of range: expected 0 to 255}
 */
public record ConfigurationProblem(String key, Object value, String message) {
}
