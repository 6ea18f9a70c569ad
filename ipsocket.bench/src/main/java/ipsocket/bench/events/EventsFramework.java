package ipsocket.bench.events;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.bench.Deadline;
import ipsocket.bench.Options;

/**
 * The framework side of the events mode: the three configured sockets connected, the bench's
 * listeners on them, EventAdmin bound, and its bundle stopped and started to take the event
 * bridge away and back.
 */
final class EventsFramework {
    static final String TX = "bench-tx";
    static final String RX = "bench-rx";
    static final String RX_DATA = "bench-rx-data";
    private static final String EVENT_ADMIN_BUNDLE = "org.apache.felix.eventadmin";

    final EmbeddedFelix felix;
    private final Options options;
    private final InetSocketAddress sink;
    private final InetSocketAddress source;
    final TxListener txListener = new TxListener();
    final RxListener rxListener = new RxListener();
    final RxListener rxDataListener = new RxListener();
    private final List<ServiceReference<?>> used = new ArrayList<>();
    TcpSocket tx;
    TcpSocket rx;
    TcpSocket rxData;
    volatile EventAdmin eventAdmin;
    private ServiceReference<EventAdmin> eventAdminRef;

    EventsFramework(EmbeddedFelix felix, Options options, InetSocketAddress sink, InetSocketAddress source) {
        this.felix = felix;
        this.options = options;
        this.sink = sink;
        this.source = source;
    }

    /** Configures the sockets and the loop, starts ipsocket, waits for the sockets and the bridge. */
    void setUp() throws Exception {
        BundleContext ctx = felix.context();
        Deadline d = Deadline.in(60_000, "events: framework set-up");
        ConfigurationAdmin ca = service(ctx, ConfigurationAdmin.class, null, d);
        Configuration loop = ca.getConfiguration(SocketPids.EVENT_LOOP, "?");
        loop.update(dict(SocketConfig.IO_THREADS, options.ioThreads()));
        configure(ca, TX, sink, false);
        configure(ca, RX, source, false);
        configure(ca, RX_DATA, source, true);
        felix.startImpl();
        tx = socket(ctx, TX, d);
        rx = socket(ctx, RX, d);
        rxData = socket(ctx, RX_DATA, d);
        bindEventAdmin(d);
        addListeners();
    }

    private static void configure(ConfigurationAdmin ca, String name, InetSocketAddress peer, boolean publishData)
            throws IOException {
        Configuration c = ca.getFactoryConfiguration(SocketPids.TCP_SOCKET, name, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(SocketConfig.OBJECT_ID, name);
        p.put(SocketConfig.HOSTNAME, peer.getAddress().getHostAddress());
        p.put(SocketConfig.PORT, peer.getPort());
        p.put(SocketConfig.AUTO_CONNECT, true);
        p.put(SocketConfig.PUBLISH_DATA, publishData);
        c.update(p);
    }

    private static Dictionary<String, Object> dict(String key, Object value) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(key, value);
        return p;
    }

    /** The configured socket's service once it is connected. */
    private TcpSocket socket(BundleContext ctx, String name, Deadline d) throws Exception {
        String filter = "(" + SocketConfig.OBJECT_ID + "=" + name + ")";
        TcpSocket s;
        try {
            s = service(ctx, TcpSocket.class, filter, d);
        } catch (TimeoutException e) {
            ServiceReference<?>[] any = ctx.getAllServiceReferences(TcpSocket.class.getName(), filter);
            throw new IllegalStateException(any == null ? "no TcpSocket service " + name + " registered (configuration"
                    + " not applied?)" : "TcpSocket service " + name + " is registered but its ipsocket.api is not"
                    + " the class path's (wiring)", e);
        }
        while (s.getState() != SocketState.CONNECTED) {
            if (d.expired()) {
                throw new TimeoutException("socket " + name + " did not connect: " + s.getState() + " "
                        + s.getError() + " " + s.getErrorString());
            }
            sleep(5);
        }
        return s;
    }

    private <T> T service(BundleContext ctx, Class<T> type, String filter, Deadline d)
            throws InvalidSyntaxException, TimeoutException {
        while (true) {
            Collection<ServiceReference<T>> refs = ctx.getServiceReferences(type, filter);
            if (!refs.isEmpty()) {
                ServiceReference<T> ref = refs.iterator().next();
                T s = ctx.getService(ref);
                if (s != null) {
                    used.add(ref);
                    return s;
                }
            }
            if (d.expired()) {
                throw new TimeoutException("no " + type.getSimpleName() + " service" + (filter != null ? " " + filter : ""));
            }
            sleep(5);
        }
    }

    private void bindEventAdmin(Deadline d) throws Exception {
        BundleContext ctx = felix.context();
        while (true) {
            ServiceReference<EventAdmin> ref = ctx.getServiceReference(EventAdmin.class);
            EventAdmin ea = ref == null ? null : ctx.getService(ref);
            if (ea != null && bridgeActive(ctx)) {
                eventAdminRef = ref;
                eventAdmin = ea;
                return;
            }
            if (ea != null) {
                ctx.ungetService(ref);
            }
            if (d.expired()) {
                throw new TimeoutException(ea == null ? "no EventAdmin service" : "ipsocket's event bridge is not active");
            }
            sleep(5);
        }
    }

    /** ipsocket's event bridge is there when ipsocket.impl has registered its WRITE handler. */
    private boolean bridgeActive(BundleContext ctx) throws InvalidSyntaxException {
        ServiceReference<?>[] refs = ctx.getServiceReferences(EventHandler.class.getName(),
                "(" + EventConstants.EVENT_TOPIC + "=" + SocketEvents.TCP_WRITE + ")");
        if (refs != null) {
            for (ServiceReference<?> ref : refs) {
                if (felix.bundle(EmbeddedFelix.IMPL).equals(ref.getBundle())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Our listeners go after the EventBridge's, so a run's marker follows its last READY_READ. */
    private void addListeners() {
        tx.removeListener(txListener);
        rx.removeListener(rxListener);
        rxData.removeListener(rxDataListener);
        tx.addListener(txListener);
        rx.addListener(rxListener);
        rxData.addListener(rxDataListener);
    }

    /**
     * Stops (or starts again) the EventAdmin bundle: without EventAdmin, ipsocket closes its
     * event bridge, which detaches from every socket, so no event is built.
     */
    void setBridgeEnabled(boolean enabled) throws Exception {
        BundleContext ctx = felix.context();
        if (!enabled) {
            eventAdmin = null;
            if (eventAdminRef != null) {
                ctx.ungetService(eventAdminRef);
                eventAdminRef = null;
            }
            felix.bundle(EVENT_ADMIN_BUNDLE).stop();
        } else {
            felix.bundle(EVENT_ADMIN_BUNDLE).start();
        }
        Deadline d = Deadline.in(30_000, "events: event bridge " + (enabled ? "activation" : "deactivation"));
        if (enabled) {
            bindEventAdmin(d);
            addListeners();
        } else {
            while (bridgeActive(ctx)) {
                if (d.expired()) {
                    throw d.timeout();
                }
                sleep(5);
            }
        }
    }

    /** Gives the services back (the framework stops right after). */
    void release() {
        BundleContext ctx = felix.context();
        for (ServiceReference<?> ref : used) {
            try {
                ctx.ungetService(ref);
            } catch (IllegalStateException ignored) {
                // framework stopping
            }
        }
        if (eventAdminRef != null) {
            try {
                ctx.ungetService(eventAdminRef);
            } catch (IllegalStateException ignored) {
                // framework stopping
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
