package ipsocket.impl.osgi;

import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

import ipsocket.impl.common.Texts;

/**
 * What a configured socket or server does about its object id (issue 14's rule, shared by
 * {@link SocketService} and {@link ServerService}): when a live one of its kind already has the
 * id, it waits: it applies nothing, is not registered, reports the clash naming both
 * configurations, keeps its latest configuration, and starts (applies it and registers) when
 * {@link SocketRuntime} says the holder is gone. One place for the waiting, so sockets and servers
 * cannot drift apart.
 *
 * <p>It also keeps what names the configuration (for messages and the service properties): the
 * very values the component properties hold, which ConfigAdmin and SCR keep anyway, not strings
 * built from them, since a gateway holds thousands of these. Its monitor ({@code this}) guards
 * the waiting state, the latest properties and the closing against a late {@link #start}.
 */
abstract class ObjectIdClaim {
    /** The property FileInstall adds to a configuration it read from a file: the file's URL. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private final Object servicePid;
    private final Object factoryPid;
    private final Object componentName;
    private final Object fileName;
    /** The properties to apply when a waiting claim starts; {@code null} once live. */
    private Map<String, Object> waitingProperties;
    private BundleContext context;
    private boolean closed;

    /**
     * @param properties the component properties, for the configuration's name
     */
    ObjectIdClaim(Map<String, Object> properties) {
        this.servicePid = properties.get(Constants.SERVICE_PID);
        this.factoryPid = properties.get("service.factoryPid");
        this.componentName = properties.get("component.name");
        this.fileName = properties.get(FILEINSTALL_FILENAME);
    }

    /**
     * Returns the name of the configuration, for messages: made when a message needs it.
     *
     * @return "configuration PID" with " (file URL)" when FileInstall read it from a file, or
     *         "component NAME" for a component factory's instance
     */
    final String configurationName() {
        return (servicePid instanceof String ? "configuration " + servicePid : "component " + componentName)
                + (fileName == null ? "" : " (file " + Texts.abbreviate(fileName) + ")");
    }

    /**
     * Returns the component properties that tie a service to its configuration (CONTRACT.md
     * section 7): {@code service.pid}, {@code service.factoryPid} and {@code component.name}, as
     * far as the component has them.
     *
     * @return a new table of them, to add the service's own properties to
     */
    final Hashtable<String, Object> identity() {
        Hashtable<String, Object> identity = new Hashtable<>();
        putIfPresent(identity, Constants.SERVICE_PID, servicePid);
        putIfPresent(identity, "service.factoryPid", factoryPid);
        putIfPresent(identity, "component.name", componentName);
        return identity;
    }

    private static void putIfPresent(Hashtable<String, Object> identity, String key, Object value) {
        if (value != null) {
            identity.put(key, value);
        }
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
        synchronized (this) {
            ObjectIdClaim holder = join.get();
            if (holder != null) {
                waitingProperties = properties;
                reportWaiting("objectId '" + objectId + "' of " + configurationName() + " is already used by "
                        + holder.configurationName() + ": this " + what + " is not registered and does not "
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
        synchronized (this) {
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
        synchronized (this) {
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
        synchronized (this) {
            if (waitingProperties != null) {
                waitingProperties = properties;
                return true;
            }
            return false;
        }
    }

    /** Marks the claim closed: a late {@link #start} does nothing. */
    final void markClosed() {
        synchronized (this) {
            closed = true;
        }
    }
}
