package ipsocket.impl.osgi;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketPids;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.loop.EventLoopGroup;

/**
 * The shared runtime of every socket in the framework: the event loop threads, the list of live
 * sockets (for the observers, such as the event bridge), the watch on EventAdmin, and the log.
 * A service of this bundle only: its type is private, so no other bundle can use it. Immediate:
 * the loop threads run while the bundle is active, not only while some socket holds the
 * runtime, so sockets coming and going do not start and stop threads.
 *
 * <p>The configuration ({@code ipsocket.EventLoop}) is read from the raw properties, not through
 * a DS configuration type: a value that does not convert must not make SCR fail the component
 * (and with it remove every socket). A bad or out-of-range {@code ioThreads} is refused with a
 * warning naming the key and the value, and the loops keep their last good size (the default
 * when the first configuration is bad). An update that leaves the thread count as it is changes
 * nothing; one that changes it restarts the runtime, and so every socket, on the new threads.
 */
@Component(service = SocketRuntime.class, immediate = true, configurationPid = SocketPids.EVENT_LOOP,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EventLoopConfiguration.class)
public class SocketRuntime {

    /** The one key of the event loop configuration: 1 to 64 threads, no clamping. */
    static final PropertyDef<Integer> IO_THREADS = PropertyDef.integer(SocketConfig.IO_THREADS, 1, 1, 64, null);

    private final EventLoopGroup loops;
    private final EventAdminWatch events;
    private final BundleContext context;
    private final List<Registered> sockets = new CopyOnWriteArrayList<>();
    private final List<SocketObserver> observers = new CopyOnWriteArrayList<>();

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Logger logger;

    private static final class Registered {
        final AbstractIpSocket socket;
        final String topicPrefix;
        final SocketService owner;
        /** False while another live socket of the kind has the object id: not registered, not found. */
        boolean live;

        Registered(AbstractIpSocket socket, String topicPrefix, SocketService owner, boolean live) {
            this.socket = socket;
            this.topicPrefix = topicPrefix;
            this.owner = owner;
            this.live = live;
        }

        boolean sameName(String prefix, String objectId) {
            return topicPrefix.equals(prefix) && socket.getObjectId().equals(objectId);
        }
    }

    /**
     * Starts the event loop threads and the event bridge (when an EventAdmin is present).
     *
     * @param properties the component properties, with the event loop configuration if any
     * @param context this bundle's context
     */
    @Activate
    public SocketRuntime(Map<String, Object> properties, BundleContext context) {
        this.context = context;
        Integer configured = ioThreads(properties, IO_THREADS.defaultValue());
        this.loops = new EventLoopGroup(configured);
        // Before any socket can have this runtime: a present EventAdmin sees every first event.
        this.events = new EventAdminWatch(context, this);
        events.open();
    }

    /**
     * Applies a changed event loop configuration: a bad value is refused with a warning and
     * changes nothing; the same thread count changes nothing; another thread count restarts this
     * component (its sockets depend on it, so they are recreated on the new threads).
     *
     * @param properties the component properties, with the new configuration if any
     * @param component this component's context, to restart it
     */
    @Modified
    void modified(Map<String, Object> properties, ComponentContext component) {
        int wanted = ioThreads(properties, loops.threadCount());
        if (wanted != loops.threadCount()) {
            String name = (String) component.getProperties().get("component.name");
            // Both run later on SCR's own thread, in this order: deactivate, then activate with the
            // configuration as it is then.
            component.disableComponent(name);
            component.enableComponent(name);
        }
    }

    /**
     * Reads {@code ioThreads} from the properties.
     *
     * @param properties the component properties
     * @param fallback what a bad value leaves in place
     * @return the configured count, the default when absent, or {@code fallback} when bad
     */
    private Integer ioThreads(Map<String, Object> properties, int fallback) {
        Object raw = properties.get(IO_THREADS.name());
        if (raw == null) {
            return IO_THREADS.defaultValue();
        }
        try {
            return IO_THREADS.convert(raw);
        } catch (IllegalArgumentException e) {
            warn("Bad value in configuration " + SocketPids.EVENT_LOOP + ": " + e.getMessage() + "; the event loop"
                    + " keeps " + fallback + " I/O thread" + (fallback == 1 ? "" : "s") + " and every socket stays");
            return fallback;
        }
    }

    /** Stops publishing and the loop threads; every socket was closed before (it depends on us). */
    @Deactivate
    void deactivate() {
        events.close();
        loops.close();
    }

    /**
     * Returns the event loops.
     *
     * @return the loop group
     */
    EventLoopGroup loops() {
        return loops;
    }

    /**
     * Returns a live socket of one kind by its object id, for the inbound WRITE events.
     *
     * @param topicPrefix the kind's topic prefix, as given to {@link #add}
     * @param objectId the object id
     * @return the first such socket added and not yet removed, or {@code null}
     */
    AbstractIpSocket find(String topicPrefix, String objectId) {
        for (Registered registered : sockets) {
            if (registered.live && registered.sameName(topicPrefix, objectId)) {
                return registered.socket;
            }
        }
        return null;
    }

    /**
     * Adds a socket: observers see it (its events are published), and it is live unless a live
     * socket of the same kind already has its object id.
     *
     * @param socket the socket
     * @param topicPrefix the kind's topic prefix
     * @param owner the component support of the socket
     * @return the owner of the live socket with the same object id, or {@code null} when the new
     *         socket is live
     */
    SocketService add(AbstractIpSocket socket, String topicPrefix, SocketService owner) {
        SocketService holder = null;
        synchronized (sockets) {
            for (Registered registered : sockets) {
                if (registered.live && registered.sameName(topicPrefix, socket.getObjectId())) {
                    holder = registered.owner;
                    break;
                }
            }
            sockets.add(new Registered(socket, topicPrefix, owner, holder == null));
        }
        for (SocketObserver observer : observers) {
            observer.socketAdded(socket, topicPrefix);
        }
        return holder;
    }

    /**
     * Removes a socket; when it was live, the first socket waiting for its object id becomes live
     * and is started (off the caller's thread: the caller is a component being deactivated).
     *
     * @param socket the socket
     */
    void remove(AbstractIpSocket socket) {
        Registered next = null;
        synchronized (sockets) {
            Registered gone = null;
            for (Registered registered : sockets) {
                if (registered.socket == socket) {
                    gone = registered;
                    break;
                }
            }
            if (gone != null) {
                sockets.remove(gone);
                for (Registered registered : gone.live ? sockets : List.<Registered>of()) {
                    if (!registered.live && registered.sameName(gone.topicPrefix, socket.getObjectId())) {
                        registered.live = true;
                        next = registered;
                        break;
                    }
                }
            }
        }
        for (SocketObserver observer : observers) {
            observer.socketRemoved(socket);
        }
        if (next != null) {
            SocketService waiting = next.owner;
            try {
                loops.resolver().execute(waiting::start);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the runtime is stopping: the waiting socket goes too
            }
        }
    }

    void addObserver(SocketObserver observer) {
        observers.add(observer);
        for (Registered registered : sockets) {
            observer.socketAdded(registered.socket, registered.topicPrefix);
        }
    }

    void removeObserver(SocketObserver observer) {
        observers.remove(observer);
        for (Registered registered : sockets) {
            observer.socketRemoved(registered.socket);
        }
    }

    /**
     * Logs one warning line through the OSGi log, or the platform log when there is none.
     *
     * @param message the line
     */
    void warn(String message) {
        Logger current = logger;
        if (current != null) {
            current.warn(message);
            return;
        }
        // Not bound yet (while activating, fields are injected after the constructor): look it up.
        ServiceReference<LoggerFactory> reference = context.getServiceReference(LoggerFactory.class);
        LoggerFactory factory = reference == null ? null : context.getService(reference);
        if (factory != null) {
            try {
                factory.getLogger(SocketRuntime.class).warn(message);
            } finally {
                context.ungetService(reference);
            }
        } else {
            System.getLogger(SocketRuntime.class.getName()).log(System.Logger.Level.WARNING, message);
        }
    }
}
