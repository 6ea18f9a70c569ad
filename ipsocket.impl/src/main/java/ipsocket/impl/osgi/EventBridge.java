package ipsocket.impl.osgi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.osgi.service.event.EventAdmin;

import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.server.TcpServerImpl;

/**
 * Connects the sockets to one EventAdmin: gives every socket of the runtime, present and
 * future, a {@link SocketEventPublisher} (as listener and data tap) that posts its signals as
 * events, built only for topics some handler {@link Subscriptions subscribes} to.
 * {@link EventAdminWatch} creates it when an EventAdmin is registered and closes it when that
 * EventAdmin goes; the sockets work without it. Inbound {@code WRITE} events are
 * {@link WriteEventHandler}'s.
 *
 * <p>Not a DS component on purpose: the runtime creates it while it activates, before any
 * socket can use the runtime, so no socket's first events (HostLookup, Connected) go
 * unpublished, and no activation order between components can make a difference.
 */
final class EventBridge implements SocketObserver, AutoCloseable {
    private final EventAdmin eventAdmin;
    private final SocketRuntime runtime;
    private final Subscriptions subscriptions;
    /** {@code subscriptions::wants} made once: every publisher shares it (a lambda per socket costs 16 B). */
    private final Predicate<String> wants;
    private final Map<AbstractIpSocket, SocketEventPublisher> publishers = new ConcurrentHashMap<>();
    private final Map<TcpServerImpl, ServerEventPublisher> serverPublishers = new ConcurrentHashMap<>();

    private EventBridge(BundleContext context, EventAdmin eventAdmin, SocketRuntime runtime) {
        this.eventAdmin = eventAdmin;
        this.runtime = runtime;
        this.subscriptions = Subscriptions.track(context);
        this.wants = subscriptions::wants;
        runtime.addObserver(this);
    }

    /**
     * Creates a bridge to an EventAdmin service and attaches it to every socket, present and
     * future. Takes the service as an {@code Object} so that the caller needs no EventAdmin type:
     * when this bundle has no wire to {@code org.osgi.service.event}, calling this fails with a
     * {@link LinkageError}, which the caller reports.
     *
     * @param context this bundle's context
     * @param eventAdmin the EventAdmin service object
     * @param runtime the runtime whose sockets to publish
     * @return the bridge; {@link #close()} detaches it
     */
    static AutoCloseable open(BundleContext context, Object eventAdmin, SocketRuntime runtime) {
        return new EventBridge(context, (EventAdmin) eventAdmin, runtime);
    }

    /** Detaches from every socket and stops following the subscriptions. */
    @Override
    public void close() {
        runtime.removeObserver(this);
        subscriptions.close();
    }

    @Override
    public void socketAdded(AbstractIpSocket socket, String topicPrefix) {
        SocketEventPublisher publisher = new SocketEventPublisher(eventAdmin, topicPrefix, wants);
        if (publishers.putIfAbsent(socket, publisher) == null) {
            socket.addListener(publisher);
            socket.setDataTap(publisher);
        }
    }

    @Override
    public void socketRemoved(AbstractIpSocket socket) {
        SocketEventPublisher publisher = publishers.remove(socket);
        if (publisher != null) {
            socket.setDataTap(null);
            socket.removeListener(publisher);
        }
    }

    @Override
    public void serverAdded(TcpServerImpl server) {
        ServerEventPublisher publisher = new ServerEventPublisher(eventAdmin, wants);
        if (serverPublishers.putIfAbsent(server, publisher) == null) {
            server.addListener(publisher);
        }
    }

    @Override
    public void serverRemoved(TcpServerImpl server) {
        ServerEventPublisher publisher = serverPublishers.remove(server);
        if (publisher != null) {
            server.removeListener(publisher);
        }
    }
}
