package ipsocket.impl.osgi;

import java.util.Map;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
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
import ipsocket.impl.common.PropertyDef;

/**
 * Reads the event loop configuration ({@code ipsocket.EventLoop}) and registers the
 * {@link LoopSize} in force.
 *
 * <p>It reads the raw properties, not a DS configuration type: a value that does not convert
 * must not make SCR fail a component (which once removed every socket). A bad or out-of-range
 * {@code ioThreads} is refused with a warning naming the key and the value, and the size in
 * force stays (the default, 1, when the first configuration is bad); nothing is clamped. An
 * update that leaves the size as it is changes nothing; a new size replaces the registration,
 * which restarts the runtime and its sockets on the new threads.
 */
// The LoopSize service is registered by hand, not by DS, so bnd declares no capability for it while
// SocketRuntime's reference requires one; resolvers that check service requirements (Karaf's
// features) would refuse the bundle without this declaration.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=ipsocket.impl.osgi.LoopSize")
@Component(service = {}, immediate = true, configurationPid = SocketPids.EVENT_LOOP,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EventLoopConfiguration.class)
public class EventLoopConfigurator {
    /** The one key of the event loop configuration: 1 to 64 threads. */
    static final PropertyDef<Integer> IO_THREADS = PropertyDef.integer(SocketConfig.IO_THREADS, 1, 1, 64, null);

    private final BundleContext context;
    private ServiceRegistration<LoopSize> registration;
    private int ioThreads;

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Logger logger;

    /**
     * Reads the configuration and registers the size.
     *
     * @param properties the component properties, with the configuration if any
     * @param context this bundle's context
     */
    @Activate
    public EventLoopConfigurator(Map<String, Object> properties, BundleContext context) {
        this.context = context;
        this.ioThreads = read(properties, IO_THREADS.defaultValue());
        this.registration = context.registerService(LoopSize.class, new LoopSize(ioThreads), null);
    }

    /**
     * Applies a changed configuration: a new size is registered in place of the old one; a bad
     * value or the same size changes nothing.
     *
     * @param properties the component properties, with the new configuration if any
     */
    @Modified
    synchronized void modified(Map<String, Object> properties) {
        int wanted = read(properties, ioThreads);
        if (wanted != ioThreads) {
            ioThreads = wanted;
            ServiceRegistration<LoopSize> old = registration;
            old.unregister();
            registration = context.registerService(LoopSize.class, new LoopSize(wanted), null);
        }
    }

    /** Withdraws the size: the runtime and its sockets stop. */
    @Deactivate
    synchronized void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregistered it while stopping the bundle
        }
    }

    /**
     * Reads {@code ioThreads}.
     *
     * @param properties the component properties
     * @param inForce what a bad value leaves in place
     * @return the configured count, the default when absent, or {@code inForce} when bad
     */
    private int read(Map<String, Object> properties, int inForce) {
        Object raw = properties.get(IO_THREADS.name());
        if (raw == null) {
            return IO_THREADS.defaultValue();
        }
        try {
            return IO_THREADS.convert(raw);
        } catch (IllegalArgumentException e) {
            SocketRuntime.warn(logger, context, "Bad value in configuration " + SocketPids.EVENT_LOOP + ": "
                    + e.getMessage() + "; the event loop keeps " + inForce + " I/O thread" + (inForce == 1 ? "" : "s")
                    + " and every socket stays");
            return inForce;
        }
    }
}
