package ipsocket.impl.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Keeps the event path connected to an EventAdmin service while there is one: the
 * {@link WriteEventHandler} for inbound WRITE events and the {@link EventBridge} that publishes
 * every socket's signals. Opened by the {@link SocketRuntime} as it activates, so a bridge to an
 * EventAdmin present at that moment exists before the first socket. When the bridged EventAdmin
 * goes, both are closed and another EventAdmin, if any, takes over.
 *
 * <p>No type of {@code org.osgi.service.event} appears in this class: that import is optional,
 * and the runtime must load and run without it.
 */
final class EventAdminWatch implements ServiceTrackerCustomizer<Object, Object>, AutoCloseable {
    private static final String EVENT_ADMIN = "org.osgi.service.event.EventAdmin";

    private final BundleContext context;
    private final SocketRuntime runtime;
    private final ServiceTracker<Object, Object> tracker;
    /** The EventAdmin the bridge posts to, and the bridge with the WRITE handler; guarded by {@code this}. */
    private ServiceReference<Object> bridged;
    private AutoCloseable bridge;

    EventAdminWatch(BundleContext context, SocketRuntime runtime) {
        this.context = context;
        this.runtime = runtime;
        this.tracker = new ServiceTracker<>(context, EVENT_ADMIN, this);
    }

    /** Starts watching; bridges at once to an EventAdmin already registered. */
    void open() {
        tracker.open();
    }

    /** Stops watching and closes the bridge. */
    @Override
    public void close() {
        tracker.close(); // calls removedService for each tracked EventAdmin
    }

    @Override
    public synchronized Object addingService(ServiceReference<Object> reference) {
        if (bridge == null) {
            connect(reference);
        }
        return reference;
    }

    @Override
    public void modifiedService(ServiceReference<Object> reference, Object service) {
        // nothing depends on EventAdmin's service properties
    }

    @Override
    public synchronized void removedService(ServiceReference<Object> reference, Object service) {
        if (!reference.equals(bridged)) {
            return;
        }
        disconnect();
        ServiceReference<Object>[] others = tracker.getServiceReferences();
        if (others != null) {
            for (ServiceReference<Object> other : others) {
                if (!other.equals(reference) && bridge == null) {
                    connect(other);
                }
            }
        }
    }

    private void connect(ServiceReference<Object> reference) {
        Object eventAdmin = context.getService(reference);
        if (eventAdmin == null) {
            return; // unregistered meanwhile
        }
        try {
            bridge = openPath(eventAdmin);
            bridged = reference;
        } catch (LinkageError | ClassCastException e) {
            context.ungetService(reference);
            runtime.warn("ipsocket.impl cannot publish events to the EventAdmin of bundle "
                    + reference.getBundle() + ": this bundle has no wire to its package org.osgi.service.event"
                    + " (installed after ipsocket.impl was resolved?); refresh ipsocket.impl to publish events: " + e);
        }
    }

    /**
     * Opens the WRITE handler, then the bridge (the order the single bridge class had), and
     * returns one closeable for both that closes them the other way round.
     */
    private AutoCloseable openPath(Object eventAdmin) {
        AutoCloseable writes = WriteEventHandler.open(context, eventAdmin, runtime);
        AutoCloseable publishing;
        try {
            publishing = EventBridge.open(context, eventAdmin, runtime);
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(writes);
            throw e;
        }
        return () -> {
            try {
                publishing.close();
            } finally {
                writes.close();
            }
        };
    }

    private void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            runtime.warn("ipsocket.impl: closing the event bridge failed: " + e);
        }
    }

    private void disconnect() {
        closeQuietly(bridge);
        try {
            context.ungetService(bridged);
        } catch (IllegalStateException stopping) {
            // our bundle context is no longer valid: the framework releases the service itself
        }
        bridge = null;
        bridged = null;
    }
}
