package ipsocket.impl.osgi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
 * sockets (for the event bridge), and the log. A service of this bundle only: its type is
 * private, so no other bundle can use it.
 */
@Component(service = SocketRuntime.class, configurationPid = SocketPids.EVENT_LOOP,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EventLoopConfiguration.class)
public class SocketRuntime {

    /** Watches sockets come and go. */
    interface SocketObserver {
        void socketAdded(AbstractIpSocket socket, String topicPrefix);

        void socketRemoved(AbstractIpSocket socket);
    }

    private final EventLoopGroup loops;
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
     * Starts the event loop threads.
     *
     * @param configuration the event loop configuration
     */
    @Activate
    public SocketRuntime(EventLoopConfiguration configuration) {
        this.loops = new EventLoopGroup(Math.max(1, Math.min(64, configuration.ioThreads())));
    }

    /** Stops the event loop threads; every socket has been closed before (it depends on us). */
    @Deactivate
    void deactivate() {
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
     * Finds a live socket by object id and kind.
     *
     * @param objectId the object id
     * @param topicPrefix the kind's topic prefix
     * @return the socket, or {@code null}
     */
    AbstractIpSocket find(String objectId, String topicPrefix) {
        for (Registered registered : sockets) {
            if (registered.topicPrefix.equals(topicPrefix) && registered.socket.getObjectId().equals(objectId)) {
                return registered.socket;
            }
        }
        return null;
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
