package ipsocket.impl.osgi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which event topics some EventHandler subscribes to, so that a socket builds and posts only
 * events that someone will receive: Felix EventAdmin queues and dispatches every posted event
 * even when no handler wants it, and a DATA_RECEIVED event costs a copy of the bytes.
 *
 * <p>Topic patterns are matched as EventAdmin does: the exact topic, a prefix ending in
 * {@code /*}, or {@code *}. Event filters of handlers are not evaluated: a handler with a
 * matching topic counts as a subscriber whatever its filter.
 */
final class Subscriptions {
    private final Map<Object, String[]> patternsByHandler = new ConcurrentHashMap<>();
    private final Map<String, Boolean> wantedByTopic = new ConcurrentHashMap<>();

    /**
     * Records the topic patterns of one handler (replacing earlier ones).
     *
     * @param handler a key identifying the handler
     * @param patterns its {@code event.topics}
     */
    void put(Object handler, String[] patterns) {
        patternsByHandler.put(handler, patterns);
        wantedByTopic.clear();
    }

    /**
     * Forgets a handler.
     *
     * @param handler the key used with {@link #put}
     */
    void remove(Object handler) {
        patternsByHandler.remove(handler);
        wantedByTopic.clear();
    }

    /**
     * Returns whether any handler subscribes to a topic.
     *
     * @param topic a full topic such as {@code ipsocket/TcpSocket/READY_READ}
     * @return {@code true} if posting it reaches at least one handler
     */
    boolean wants(String topic) {
        Boolean known = wantedByTopic.get(topic);
        if (known != null) {
            return known;
        }
        boolean wanted = patternsByHandler.values().stream().anyMatch(patterns -> matchesAny(patterns, topic));
        wantedByTopic.put(topic, wanted);
        return wanted;
    }

    private static boolean matchesAny(String[] patterns, String topic) {
        for (String pattern : patterns) {
            if (pattern.equals("*") || pattern.equals(topic)
                    || pattern.endsWith("/*") && topic.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads a handler's {@code event.topics} property, which may be a String, an array or a
     * collection.
     *
     * @param value the property value
     * @return the patterns, empty when absent
     */
    static String[] patterns(Object value) {
        if (value instanceof String) {
            return new String[] {(String) value};
        }
        if (value instanceof String[]) {
            return (String[]) value;
        }
        if (value instanceof java.util.Collection) {
            return ((java.util.Collection<?>) value).stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[0];
    }
}
