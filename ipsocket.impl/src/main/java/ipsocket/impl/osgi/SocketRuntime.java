package ipsocket.impl.osgi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
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

import ipsocket.api.SocketEvents;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.server.TcpServerImpl;

/**
 * The shared runtime of every socket in the framework: the event loop threads, the list of live
 * sockets (for the observers, such as the event bridge), the watch on EventAdmin, and the log.
 * A service of this bundle only: its type is private, so no other bundle can use it. Immediate:
 * the loop threads run while the bundle is active, not only while some socket holds the
 * runtime, so sockets coming and going do not start and stop threads.
 *
 * <p>The size of the loops comes from {@link EventLoopConfigurator}, through a {@link LoopSize}.
 */
@Component(service = SocketRuntime.class, immediate = true, configurationPolicy = ConfigurationPolicy.IGNORE)
public class SocketRuntime {

    private final EventLoopGroup loops;
    private final EventAdminWatch events;
    private final BundleContext context;
    /** Every socket and server in the runtime, by kind and object id. */
    private final Members members = new Members();
    private final List<SocketObserver> observers = new CopyOnWriteArrayList<>();

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Logger logger;

    /**
     * Starts the event loop threads and the event bridge (when an EventAdmin is present).
     *
     * @param size the event loop size in force (a new size restarts this component)
     * @param context this bundle's context
     */
    @Activate
    public SocketRuntime(@Reference(name = "loopSize") LoopSize size, BundleContext context) {
        this.context = context;
        this.loops = new EventLoopGroup(size.ioThreads());
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
     * Returns a live socket of one kind by its object id, for the inbound WRITE events: one map
     * lookup, whatever the number of sockets.
     *
     * @param topicPrefix the kind's topic prefix, as given to {@link #add}
     * @param objectId the object id
     * @return the first such socket added and not yet removed, or {@code null}
     */
    AbstractIpSocket find(String topicPrefix, String objectId) {
        Object member = members.find(topicPrefix, objectId);
        return member instanceof AbstractIpSocket ? (AbstractIpSocket) member : null;
    }

    /**
     * Adds a socket or a server: observers see it (its events are published), and it is live
     * unless a live member of the same kind already has its object id (servers are a kind of
     * their own).
     *
     * @param member an {@link AbstractIpSocket} or a {@link TcpServerImpl}
     * @param kind a socket kind's topic prefix, or {@link SocketEvents#SERVER_TOPIC_PREFIX}
     * @param objectId the member's object id
     * @param owner the component support of the member; {@code null} for a server's connection,
     *        which never waits for its object id
     * @return the owner of the live member with the same object id, or {@code null} when the new
     *         member is live
     */
    ObjectIdClaim add(Object member, String kind, String objectId, ObjectIdClaim owner) {
        ObjectIdClaim holder = members.join(member, kind, objectId, owner);
        for (SocketObserver observer : observers) {
            announce(observer, member, kind);
        }
        return holder;
    }

    /**
     * Removes a socket or a server; when it was live, the first member waiting for its object id
     * becomes live and is started (off the caller's thread: the caller is a component being
     * deactivated).
     *
     * @param member the member
     * @param kind its kind, as given to {@link #add}
     * @param objectId its object id, as given to {@link #add}
     */
    void remove(Object member, String kind, String objectId) {
        ObjectIdClaim next = members.leave(member, kind, objectId);
        for (SocketObserver observer : observers) {
            withdraw(observer, member);
        }
        startLater(next);
    }

    private static void announce(SocketObserver observer, Object member, String kind) {
        if (member instanceof TcpServerImpl) {
            observer.serverAdded((TcpServerImpl) member);
        } else {
            observer.socketAdded((AbstractIpSocket) member, kind);
        }
    }

    private static void withdraw(SocketObserver observer, Object member) {
        if (member instanceof TcpServerImpl) {
            observer.serverRemoved((TcpServerImpl) member);
        } else {
            observer.socketRemoved((AbstractIpSocket) member);
        }
    }

    private void startLater(ObjectIdClaim next) {
        if (next != null) {
            try {
                loops.resolver().execute(next::start);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the runtime is stopping: the waiting one goes too
            }
        }
    }

    void addObserver(SocketObserver observer) {
        observers.add(observer);
        members.forEach((member, kind) -> announce(observer, member, kind));
    }

    void removeObserver(SocketObserver observer) {
        observers.remove(observer);
        members.forEach((member, kind) -> withdraw(observer, member));
    }

    /**
     * Logs one warning line through the OSGi log, or the platform log when there is none.
     *
     * @param message the line
     */
    void warn(String message) {
        warn(logger, context, message);
    }

    /**
     * Logs one warning line through the OSGi log: the given logger, else a logger looked up now
     * (a component's logger field is bound only after its constructor), else the platform log.
     *
     * @param logger the component's logger, or {@code null}
     * @param context the bundle context to look a logger up with
     * @param message the line
     */
    static void warn(Logger logger, BundleContext context, String message) {
        if (logger != null) {
            logger.warn(message);
            return;
        }
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
