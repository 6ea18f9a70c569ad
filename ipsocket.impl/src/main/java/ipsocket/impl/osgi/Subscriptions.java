package ipsocket.impl.osgi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Which event topics some EventHandler subscribes to, so that a socket builds and posts only
 * events that someone will receive: Felix EventAdmin queues and dispatches every posted event
 * even when no handler wants it, and a DATA_RECEIVED event costs a copy of the bytes.
 *
 * <p>Topic patterns are matched as EventAdmin does: the exact topic, a prefix ending in
 * {@code /*}, or {@code *}. Event filters of handlers are not evaluated: a handler with a
 * matching topic counts as a subscriber whatever its filter.
 *
 * <p>{@link #track(BundleContext)} keeps the answers current with the EventHandler services of
 * every other bundle; a bare instance ({@code new Subscriptions()}) knows only the handlers
 * {@link #put} tells it about.
 */
final class Subscriptions implements AutoCloseable {
    private final Map<Object, String[]> patternsByHandler = new ConcurrentHashMap<>();
    /**
     * The answers given since the handlers last changed. A change replaces the whole map (after
     * updating the patterns), so an answer computed from old patterns can only land in a map that
     * is no longer used: a stale answer never outlives the change that made it stale.
     */
    private volatile Map<String, Boolean> wantedByTopic = new ConcurrentHashMap<>();
    /** The tracker of EventHandler services, or {@code null} for a bare instance. */
    private final ServiceTracker<EventHandler, ServiceReference<EventHandler>> handlers;

    /** Creates bare subscriptions: no handler until {@link #put} adds one. */
    Subscriptions() {
        this.handlers = null;
    }

    private Subscriptions(BundleContext context) {
        this.handlers = new ServiceTracker<>(context, EventHandler.class, new HandlerTopics(context.getBundle()));
    }

    /**
     * Creates subscriptions that follow every EventHandler service of other bundles, from now
     * until {@link #close()}. Handlers of the calling bundle itself are left out: its own WRITE
     * handler subscribes to nothing it posts.
     *
     * @param context this bundle's context
     * @return the tracking subscriptions
     */
    static Subscriptions track(BundleContext context) {
        Subscriptions subscriptions = new Subscriptions(context);
        subscriptions.handlers.open();
        return subscriptions;
    }

    /** Stops following the EventHandler services (nothing to do for a bare instance). */
    @Override
    public void close() {
        if (handlers != null) {
            handlers.close();
        }
    }

    /** Keeps the patterns current with every other bundle's EventHandler topics. */
    private final class HandlerTopics
            implements ServiceTrackerCustomizer<EventHandler, ServiceReference<EventHandler>> {
        private final Bundle own;

        HandlerTopics(Bundle own) {
            this.own = own;
        }

        @Override
        public ServiceReference<EventHandler> addingService(ServiceReference<EventHandler> reference) {
            if (reference.getBundle() == own) {
                return null; // our own WRITE handler subscribes to nothing we post
            }
            put(reference, patterns(reference.getProperty(EventConstants.EVENT_TOPIC)));
            return reference;
        }

        @Override
        public void modifiedService(ServiceReference<EventHandler> reference, ServiceReference<EventHandler> same) {
            put(reference, patterns(reference.getProperty(EventConstants.EVENT_TOPIC)));
        }

        @Override
        public void removedService(ServiceReference<EventHandler> reference, ServiceReference<EventHandler> same) {
            remove(reference);
        }
    }

    /**
     * Records the topic patterns of one handler (replacing earlier ones).
     *
     * @param handler a key identifying the handler
     * @param patterns its {@code event.topics}
     */
    void put(Object handler, String[] patterns) {
        patternsByHandler.put(handler, patterns);
        wantedByTopic = new ConcurrentHashMap<>();
    }

    /**
     * Forgets a handler.
     *
     * @param handler the key used with {@link #put}
     */
    void remove(Object handler) {
        patternsByHandler.remove(handler);
        wantedByTopic = new ConcurrentHashMap<>();
    }

    /**
     * Returns whether any handler subscribes to a topic.
     *
     * @param topic a full topic such as {@code ipsocket/TcpSocket/READY_READ}
     * @return {@code true} if posting it reaches at least one handler
     */
    boolean wants(String topic) {
        Map<String, Boolean> answers = wantedByTopic; // first: the patterns read below are at least as new
        Boolean known = answers.get(topic);
        if (known != null) {
            return known;
        }
        boolean wanted = patternsByHandler.values().stream().anyMatch(patterns -> matchesAny(patterns, topic));
        answers.put(topic, wanted);
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
