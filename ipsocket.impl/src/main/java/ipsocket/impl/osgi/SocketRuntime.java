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
    /** Every socket and server in the runtime, in the order added (the first of a name is served first). */
    private final List<Registered> members = new CopyOnWriteArrayList<>();
    private final List<SocketObserver> observers = new CopyOnWriteArrayList<>();

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Logger logger;

    /** A socket or a server in the runtime, with its name's claim. */
    private static final class Registered {
        /** The {@link AbstractIpSocket} or the {@link TcpServerImpl}. */
        final Object member;
        /** Names are unique per kind: a socket kind's topic prefix, or the servers' prefix. */
        final String kind;
        final String objectId;
        final ObjectIdClaim owner;
        /** False while another live member of the kind has the object id: not registered, not found. */
        boolean live;

        Registered(Object member, String kind, String objectId, ObjectIdClaim owner) {
            this.member = member;
            this.kind = kind;
            this.objectId = objectId;
            this.owner = owner;
        }

        boolean sameName(String otherKind, String otherObjectId) {
            return kind.equals(otherKind) && objectId.equals(otherObjectId);
        }
    }

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
     * Returns a live socket of one kind by its object id, for the inbound WRITE events.
     *
     * @param topicPrefix the kind's topic prefix, as given to {@link #add}
     * @param objectId the object id
     * @return the first such socket added and not yet removed, or {@code null}
     */
    AbstractIpSocket find(String topicPrefix, String objectId) {
        for (Registered registered : members) {
            if (registered.live && registered.sameName(topicPrefix, objectId)
                    && registered.member instanceof AbstractIpSocket) {
                return (AbstractIpSocket) registered.member;
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
     * @param owner the component support of the socket; {@code null} for a server's connection,
     *        which never waits for its object id
     * @return the owner of the live socket with the same object id, or {@code null} when the new
     *         socket is live
     */
    ObjectIdClaim add(AbstractIpSocket socket, String topicPrefix, ObjectIdClaim owner) {
        ObjectIdClaim holder = join(socket, topicPrefix, socket.getObjectId(), owner);
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
        ObjectIdClaim next = leave(socket);
        for (SocketObserver observer : observers) {
            observer.socketRemoved(socket);
        }
        startLater(next);
    }

    /**
     * Adds a server: observers see it (its events are published), and it is live unless a live
     * server already has its object id (the same rule as for sockets).
     *
     * @param server the server
     * @param owner the component support of the server
     * @return the owner of the live server with the same object id, or {@code null} when the new
     *         server is live
     */
    ObjectIdClaim addServer(TcpServerImpl server, ObjectIdClaim owner) {
        ObjectIdClaim holder = join(server, SocketEvents.SERVER_TOPIC_PREFIX, server.getObjectId(), owner);
        for (SocketObserver observer : observers) {
            observer.serverAdded(server);
        }
        return holder;
    }

    /**
     * Removes a server; when it was live, the first server waiting for its object id starts.
     *
     * @param server the server
     */
    void removeServer(TcpServerImpl server) {
        ObjectIdClaim next = leave(server);
        for (SocketObserver observer : observers) {
            observer.serverRemoved(server);
        }
        startLater(next);
    }

    /** Adds a member; returns the owner of the live member with its name, or null when it is live. */
    private ObjectIdClaim join(Object member, String kind, String objectId, ObjectIdClaim owner) {
        Registered added = new Registered(member, kind, objectId, owner);
        ObjectIdClaim holder = null;
        synchronized (members) {
            for (Registered registered : members) {
                if (registered.live && registered.sameName(kind, objectId)) {
                    holder = registered.owner; // null for a server's connection: that name is not waited for
                    break;
                }
            }
            added.live = holder == null;
            members.add(added);
        }
        return holder;
    }

    /** Removes a member; returns the owner of the first member waiting for its name, now live. */
    private ObjectIdClaim leave(Object member) {
        synchronized (members) {
            Registered gone = null;
            for (Registered registered : members) {
                if (registered.member == member) {
                    gone = registered;
                    break;
                }
            }
            if (gone == null) {
                return null;
            }
            members.remove(gone);
            for (Registered registered : gone.live ? members : List.<Registered>of()) {
                if (!registered.live && registered.owner != null && registered.sameName(gone.kind, gone.objectId)) {
                    registered.live = true;
                    return registered.owner;
                }
            }
            return null;
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
        for (Registered registered : members) {
            if (registered.member instanceof TcpServerImpl) {
                observer.serverAdded((TcpServerImpl) registered.member);
            } else {
                observer.socketAdded((AbstractIpSocket) registered.member, registered.kind);
            }
        }
    }

    void removeObserver(SocketObserver observer) {
        observers.remove(observer);
        for (Registered registered : members) {
            if (registered.member instanceof TcpServerImpl) {
                observer.serverRemoved((TcpServerImpl) registered.member);
            } else {
                observer.socketRemoved((AbstractIpSocket) registered.member);
            }
        }
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
