package ipsocket.impl.osgi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import ipsocket.api.SocketPids;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.loop.EventLoopGroup;

/**
 * The shared runtime of every socket in the framework: the event loop threads, the list of live
 * sockets (for the observers, such as the event bridge), the watch on EventAdmin, and the log.
 * A service of this bundle only: its type is private, so no other bundle can use it. Immediate:
 * the loop threads run while the bundle is active, not only while some socket holds the
 * runtime, so sockets coming and going do not start and stop threads.
 */
@Component(service = SocketRuntime.class, immediate = true, configurationPid = SocketPids.EVENT_LOOP,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EventLoopConfiguration.class)
public class SocketRuntime {

    private final EventLoopGroup loops;
    private final EventAdminWatch events;
    private final List<Registered> sockets = new CopyOnWriteArrayList<>();
    private final List<SocketObserver> observers = new CopyOnWriteArrayList<>();

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Logger logger;

    private static final class Registered {
        final AbstractIpSocket socket;
        final String topicPrefix;

        Registered(AbstractIpSocket socket, String topicPrefix) {
            this.socket = socket;
            this.topicPrefix = topicPrefix;
        }
    }

    /**
     * Starts the event loop threads and the event bridge (when an EventAdmin is present).
     *
     * @param configuration the event loop configuration
     * @param context this bundle's context
     */
    @Activate
    public SocketRuntime(EventLoopConfiguration configuration, BundleContext context) {
        this.loops = new EventLoopGroup(Math.max(1, Math.min(64, configuration.ioThreads())));
        // Before any socket can have this runtime: a present EventAdmin sees every first event.
        this.events = new EventAdminWatch(context, this);
        events.open();
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
            if (registered.topicPrefix.equals(topicPrefix) && registered.socket.getObjectId().equals(objectId)) {
                return registered.socket;
            }
        }
        return null;
    }

    void add(AbstractIpSocket socket, String topicPrefix) {
        sockets.add(new Registered(socket, topicPrefix));
        for (SocketObserver observer : observers) {
            observer.socketAdded(socket, topicPrefix);
        }
    }

    void remove(AbstractIpSocket socket) {
        sockets.removeIf(registered -> registered.socket == socket);
        for (SocketObserver observer : observers) {
            observer.socketRemoved(socket);
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
        } else {
            System.getLogger(SocketRuntime.class.getName()).log(System.Logger.Level.WARNING, message);
        }
    }
}
