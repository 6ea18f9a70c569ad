package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.After;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.event.Event;

import ipsocket.api.IoDevice;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;

/**
 * Helpers shared by the socket integration tests, on top of {@link IpSocketTestSupport}:
 * loopback peers, socket configurations, service and event look-ups, thread counts.
 *
 * <p>After each test the configurations are deleted first and the test waits until every
 * socket service is gone (so each test starts with no socket of an earlier one), then the
 * peers are closed.
 */
public abstract class SocketTestSupport extends IpSocketTestSupport {
    /** The address every peer listens on. */
    protected static final String LOOPBACK = "127.0.0.1";
    /** Symbolic name of the implementation bundle. */
    protected static final String IMPL_BUNDLE = "ipsocket.impl";
    /** Prefix of the names of every thread the implementation starts. */
    protected static final String THREAD_PREFIX = "ipsocket-";

    private final List<AutoCloseable> peers = new CopyOnWriteArrayList<>();
    private final List<ComponentInstance<?>> instances = new CopyOnWriteArrayList<>();

    /**
     * Opens a TCP peer that is closed after the test.
     *
     * @return the peer
     * @throws IOException if it cannot be opened
     */
    protected TcpPeer tcpPeer() throws IOException {
        TcpPeer peer = new TcpPeer();
        peers.add(peer);
        return peer;
    }

    /**
     * Opens a UDP peer that is closed after the test.
     *
     * @return the peer
     * @throws IOException if it cannot be opened
     */
    protected UdpPeer udpPeer() throws IOException {
        UdpPeer peer = new UdpPeer();
        peers.add(peer);
        return peer;
    }

    /**
     * Keeps a component instance to dispose after the test, if the test does not.
     *
     * @param <S> the component type
     * @param instance the instance
     * @return the instance
     */
    protected <S> ComponentInstance<S> disposeAfterTest(ComponentInstance<S> instance) {
        instances.add(instance);
        return instance;
    }

    /**
     * Deletes the test's configurations and component instances, waits until no socket service
     * is left, then closes the peers.
     *
     * @throws IOException if a configuration cannot be deleted
     */
    @After
    public void cleanUpSockets() throws IOException {
        try {
            for (ComponentInstance<?> instance : instances) {
                try {
                    instance.dispose();
                } catch (RuntimeException alreadyDisposed) {
                    // disposed by the test, or its component factory went away
                }
            }
            instances.clear();
            cleanUpTestSupport();
            Bundle impl = implBundle();
            if (impl.getState() == Bundle.ACTIVE) {
                awaitCondition(() -> serviceReferences(IoDevice.class, null).isEmpty(), TIMEOUT,
                        "every socket service to go away after the test");
            }
        } finally {
            List<AutoCloseable> reversed = new ArrayList<>(peers);
            Collections.reverse(reversed);
            for (AutoCloseable peer : reversed) {
                try {
                    peer.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
            peers.clear();
        }
    }

    /**
     * Returns a modifiable map of alternating keys and values.
     *
     * @param keysAndValues key, value, key, value, ...
     * @return the map, in the given order
     */
    protected static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /**
     * Returns the configuration of a socket that connects to a loopback port, reconnecting fast.
     *
     * @param objectId the socket's name
     * @param port the port on 127.0.0.1
     * @return a modifiable configuration map
     */
    protected static Map<String, Object> endpoint(String objectId, int port) {
        return props(SocketConfig.OBJECT_ID, objectId, SocketConfig.HOSTNAME, LOOPBACK, SocketConfig.PORT, port,
                SocketConfig.RECONNECT_MIN_INTERVAL, 100, SocketConfig.RECONNECT_MAX_INTERVAL, 500);
    }

    /**
     * Returns the references of the registered services of a type.
     *
     * @param <S> the type
     * @param type the service interface
     * @param filter an LDAP filter, or {@code null}
     * @return the references, possibly empty
     */
    protected <S> Collection<ServiceReference<S>> serviceReferences(Class<S> type, String filter) {
        try {
            return bundleContext.getServiceReferences(type, filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Waits for the socket service with an object id and returns its reference.
     *
     * @param <S> the service interface
     * @param type the service interface
     * @param objectId the object id
     * @return the reference
     * @throws Exception if interrupted
     */
    protected <S> ServiceReference<S> awaitSocketReference(Class<S> type, String objectId) throws Exception {
        awaitService(type, "(objectId=" + objectId + ")", TIMEOUT);
        Collection<ServiceReference<S>> references = serviceReferences(type, "(objectId=" + objectId + ")");
        assertEquals("services " + type.getSimpleName() + " with objectId " + objectId, 1, references.size());
        return references.iterator().next();
    }

    /**
     * Waits until no service of a type matches a filter.
     *
     * @param type the service interface
     * @param filter an LDAP filter
     */
    protected void awaitNoService(Class<?> type, String filter) {
        awaitCondition(() -> serviceReferences(type, filter).isEmpty(), TIMEOUT,
                "no service " + type.getSimpleName() + " " + filter);
    }

    /**
     * Matches the events of one socket on one topic.
     *
     * @param topic the topic
     * @param objectId the socket's object id
     * @return the matcher
     */
    protected static Predicate<Event> on(String topic, String objectId) {
        return event -> event.getTopic().equals(topic) && objectId.equals(event.getProperty(SocketEvents.OBJECT_ID));
    }

    /**
     * Matches the STATE_CHANGED events of one socket to one state.
     *
     * @param topic the STATE_CHANGED topic (TCP or UDP)
     * @param objectId the socket's object id
     * @param state the seed name of the new state
     * @return the matcher
     */
    protected static Predicate<Event> stateChanged(String topic, String objectId, String state) {
        return on(topic, objectId).and(event -> state.equals(event.getProperty(SocketEvents.STATE)));
    }

    /**
     * Matches only events that a recorder receives from now on.
     *
     * @param recorder the recorder
     * @return a matcher rejecting every event received before this call
     */
    protected static Predicate<Event> receivedFromNowOn(EventRecorder recorder) {
        Set<Event> earlier = Collections.newSetFromMap(new IdentityHashMap<>());
        earlier.addAll(recorder.events());
        return event -> !earlier.contains(event);
    }

    /**
     * Returns the events of one socket received so far.
     *
     * @param recorder the recorder
     * @param objectId the object id
     * @return the events, in order of delivery
     */
    protected static List<Event> eventsOf(EventRecorder recorder, String objectId) {
        return recorder.events().stream().filter(e -> objectId.equals(e.getProperty(SocketEvents.OBJECT_ID)))
                .collect(Collectors.toList());
    }

    /**
     * Describes events briefly, for failure messages.
     *
     * @param events the events
     * @return one line per event
     */
    protected static String describe(List<Event> events) {
        StringBuilder text = new StringBuilder();
        for (Event event : events) {
            text.append("\n  ").append(event.getTopic()).append(' ').append(event.getProperty(SocketEvents.STATE));
            Object error = event.getProperty(SocketEvents.ERROR);
            if (error != null) {
                text.append(' ').append(error).append(": ").append(event.getProperty(SocketEvents.ERROR_STRING));
            }
            Object property = event.getProperty(SocketEvents.PROPERTY);
            if (property != null) {
                text.append(' ').append(property).append('=').append(event.getProperty(SocketEvents.VALUE));
            }
        }
        return text.toString();
    }

    /**
     * Returns the {@code data} of an event as UTF-8 text.
     *
     * @param event the event
     * @return the text
     */
    protected static String dataText(Event event) {
        Object data = event.getProperty(SocketEvents.DATA);
        assertNotNull("event " + event.getTopic() + " has no data", data);
        if (!(data instanceof byte[])) {
            fail("data of " + event.getTopic() + " is a " + data.getClass().getName() + ", expected byte[]");
        }
        return new String((byte[]) data, StandardCharsets.UTF_8);
    }

    /**
     * Returns an installed bundle.
     *
     * @param symbolicName its symbolic name
     * @return the bundle
     */
    protected Bundle installedBundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("Bundle " + symbolicName + " is not installed");
    }

    /** @return the implementation bundle */
    protected Bundle implBundle() {
        return installedBundle(IMPL_BUNDLE);
    }

    /**
     * Returns the live threads of the implementation.
     *
     * @return their names
     */
    protected static List<String> ipsocketThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(THREAD_PREFIX)).sorted().collect(Collectors.toList());
    }
}
