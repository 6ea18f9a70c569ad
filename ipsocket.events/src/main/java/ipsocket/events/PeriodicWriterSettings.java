package ipsocket.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;

/**
 * The checked configuration of one periodic writer ({@code ipsocket.PeriodicWriter}): values may
 * be typed ({@code .config} files, code) or Strings ({@code .cfg} files, shells). Every bad value
 * is a problem naming the key and the value; a writer with any problem does not run, because a
 * writer that silently wrote something else, somewhere else or at another pace than configured
 * would be worse than none.
 *
 * @param objectId the socket to write to
 * @param topic the WRITE topic of the socket's kind
 * @param text the text to write, with {@code \n} and {@code \r} translated
 * @param intervalMillis milliseconds between two writes
 * @param problems what is wrong, one text per bad value; empty when the writer may run
 */
record PeriodicWriterSettings(String objectId, String topic, String text, long intervalMillis, List<String> problems) {
    /** Key of the kind of socket: {@code TcpSocket}, {@code UdpSocket} or {@code SslSocket}. */
    static final String KIND = "kind";
    /** Key of the text to write. */
    static final String TEXT = "text";
    /** Key of the interval in milliseconds. */
    static final String INTERVAL_MILLIS = "intervalMillis";
    /** The shortest interval: a writer is for heartbeats and polls, not for floods. */
    static final long MIN_INTERVAL_MILLIS = 100;
    /** The longest interval, a day. */
    static final long MAX_INTERVAL_MILLIS = 86_400_000;
    /** The longest text, in UTF-16 characters: what one datagram can carry. */
    static final int MAX_TEXT_LENGTH = 65_507;

    /**
     * Creates the settings.
     *
     * @param objectId the socket
     * @param topic the WRITE topic
     * @param text the text
     * @param intervalMillis the interval
     * @param problems the problems, copied
     */
    PeriodicWriterSettings {
        problems = List.copyOf(problems);
    }

    /**
     * Reads and checks a writer's configuration.
     *
     * @param properties the configuration's properties
     * @return the settings, with a problem for every bad value
     */
    static PeriodicWriterSettings read(Map<String, ?> properties) {
        List<String> problems = new ArrayList<>();
        Object objectId = properties.get(SocketConfig.OBJECT_ID);
        if (!(objectId instanceof String) || ((String) objectId).isBlank()) {
            problems.add(SocketConfig.OBJECT_ID + " " + shown(objectId) + " names no socket: give the objectId of the"
                    + " socket to write to");
        }
        Object kind = valueOr(properties, KIND, "TcpSocket");
        String topic = null;
        if ("TcpSocket".equalsIgnoreCase(String.valueOf(kind).trim())) {
            topic = SocketEvents.TCP_TOPIC_PREFIX + SocketEvents.WRITE;
        } else if ("UdpSocket".equalsIgnoreCase(String.valueOf(kind).trim())) {
            topic = SocketEvents.UDP_TOPIC_PREFIX + SocketEvents.WRITE;
        } else if ("SslSocket".equalsIgnoreCase(String.valueOf(kind).trim())) {
            topic = SocketEvents.SSL_TOPIC_PREFIX + SocketEvents.WRITE;
        } else {
            problems.add(KIND + " " + shown(kind) + " is no kind of socket: expected TcpSocket, UdpSocket or SslSocket");
        }
        Object rawText = valueOr(properties, TEXT, "ping\\n");
        String text = String.valueOf(rawText).replace("\\n", "\n").replace("\\r", "\r");
        if (!(rawText instanceof String) || text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
            problems.add(TEXT + " " + (rawText instanceof String ? "of " + text.length() + " characters"
                    : shown(rawText)) + " cannot be written: expected text of 1 to " + MAX_TEXT_LENGTH + " characters");
        }
        Object rawInterval = valueOr(properties, INTERVAL_MILLIS, 5000L);
        long interval = interval(rawInterval);
        if (interval < MIN_INTERVAL_MILLIS || interval > MAX_INTERVAL_MILLIS) {
            problems.add(INTERVAL_MILLIS + " " + shown(rawInterval) + " is " + (interval == Long.MIN_VALUE
                    ? "not a whole number" : "out of range") + ": expected " + MIN_INTERVAL_MILLIS + " to "
                    + MAX_INTERVAL_MILLIS + " milliseconds");
        }
        return new PeriodicWriterSettings(objectId instanceof String ? ((String) objectId).trim() : null, topic, text,
                interval, problems);
    }

    /** A key's value, or its default when the key is absent. */
    private static Object valueOr(Map<String, ?> properties, String key, Object defaultValue) {
        Object value = properties.get(key);
        return value == null ? defaultValue : value;
    }

    /** A whole number of milliseconds, or {@link Long#MIN_VALUE} when the value is none. */
    private static long interval(Object raw) {
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof String) {
            String digits = ((String) raw).trim();
            // ASCII digits only: "1e3", "5000.0" and other scripts' digits are refused, as for sockets
            if (!digits.isEmpty() && digits.length() <= 18 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Long.parseLong(digits);
            }
        }
        return Long.MIN_VALUE;
    }

    /** A value as a problem shows it: quoted and abbreviated, or its type when it is no text. */
    private static String shown(Object value) {
        if (value == null) {
            return "(missing)";
        }
        if (!(value instanceof String || value instanceof Number)) {
            return "of type " + value.getClass().getSimpleName();
        }
        String text = String.valueOf(value);
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }

    /**
     * Whether the writer may run.
     *
     * @return true when no value was bad
     */
    boolean valid() {
        return problems.isEmpty();
    }

    /**
     * The topic a problem is reported on: the socket kind's, TCP when the kind itself is bad.
     *
     * @return an {@code ERROR_OCCURRED} topic
     */
    String errorTopic() {
        String prefix = topic == null ? SocketEvents.TCP_TOPIC_PREFIX
                : topic.substring(0, topic.length() - SocketEvents.WRITE.length());
        return prefix + SocketEvents.ERROR_OCCURRED;
    }
}
