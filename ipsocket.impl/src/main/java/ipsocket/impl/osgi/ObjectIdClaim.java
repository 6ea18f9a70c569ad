package ipsocket.impl.osgi;

import java.util.Map;

import org.osgi.framework.BundleContext;

/**
 * What a configured socket or server does about its object id (issue 14's rule, shared by
 * {@link SocketService} and {@link ServerService}): when a live one of its kind already has the
 * id, it waits: it applies nothing, is not registered, reports the clash naming both
 * configurations, keeps its latest configuration, and starts (applies it and registers) when
 * {@link SocketRuntime} says the holder is gone. One place for the waiting, so sockets and servers
 * cannot drift apart.
 */
abstract class ObjectIdClaim {
    private final String configurationName;
    /** Guards the waiting state, the latest properties and the closing, against a late {@link #start}. */
    private final Object lifecycleLock = new Object();
    /** The properties to apply when a waiting claim starts; {@code null} once live. */
    private Map<String, Object> waitingProperties;
    private BundleContext context;
    private boolean closed;

    /**
     * @param properties the component properties, for the configuration's name
     */
    ObjectIdClaim(Map<String, Object> properties) {
        this.configurationName = SocketService.configurationName(properties);
    }

    /**
     * Returns the name of the configuration, for messages.
     *
     * @return "configuration PID" (with its file), or the component's name
     */
    final String configurationName() {
        return configurationName;
    }

    /** Applies a configuration to a live socket or server (for a server: and listens). */
    abstract void apply(Map<String, Object> properties);

    /** Registers the live socket or server as a service. */
    abstract void doRegister(BundleContext bundleContext);

    /** Reports that this one waits: its error, event and a warning. */
    abstract void reportWaiting(String text);

    /**
     * Claims the object id, at the end of the subclass's constructor: applies the first
     * configuration when the claim is live, or waits and reports the clash.
     *
     * @param join joins the runtime and returns the holder of the object id, or {@code null}
     * @param what "socket" or "server"
     * @param objectId the object id
     * @param properties the first configuration
     */
    final void claim(java.util.function.Supplier<ObjectIdClaim> join, String what, String objectId,
            Map<String, Object> properties) {
        synchronized (lifecycleLock) {
            ObjectIdClaim holder = join.get();
            if (holder != null) {
                waitingProperties = properties;
                reportWaiting("objectId '" + objectId + "' of " + configurationName + " is already used by "
                        + holder.configurationName + ": this " + what + " is not registered and does not "
                        + (what.equals("server") ? "listen" : "connect") + " until the other is deleted or renamed");
                return;
            }
        }
        apply(properties);
    }

    /**
     * Starts a claim that waited for its object id: applies its latest configuration and
     * registers it. Called by the runtime once the holder of the object id is gone.
     */
    final void start() {
        synchronized (lifecycleLock) {
            if (closed || waitingProperties == null) {
                return;
            }
            Map<String, Object> properties = waitingProperties;
            waitingProperties = null;
            apply(properties);
            if (context != null) {
                doRegister(context);
            }
        }
    }

    /**
     * Registers the service now, or when a waiting claim starts.
     *
     * @param bundleContext the implementation bundle's context
     */
    final void register(BundleContext bundleContext) {
        synchronized (lifecycleLock) {
            this.context = bundleContext;
            if (waitingProperties == null) {
                doRegister(bundleContext);
            }
        }
    }

    /**
     * Keeps a changed configuration for later while waiting.
     *
     * @param properties the new component properties
     * @return {@code true} if the claim waits (the caller applies nothing now)
     */
    final boolean keptWhileWaiting(Map<String, Object> properties) {
        synchronized (lifecycleLock) {
            if (waitingProperties != null) {
                waitingProperties = properties;
                return true;
            }
            return false;
        }
    }

    /** Marks the claim closed: a late {@link #start} does nothing. */
    final void markClosed() {
        synchronized (lifecycleLock) {
            closed = true;
        }
    }
}
