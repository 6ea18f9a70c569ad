package ipsocket.shell;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM into an orderly stop of the framework, so that every socket closes gracefully
 * and the gateway exits with status 0 rather than the JVM's 143.
 *
 * <p>Active only when the framework property {@code ipsocket.gateway.signals} is {@code true}
 * (the gateway sets it; an application server embedding these bundles keeps its own handling).
 */
@Component(immediate = true, service = {})
public class ShutdownOnSignal {
    private static final Signal TERM = new Signal("TERM");
    private SignalHandler previous;

    /**
     * Installs the handler when the gateway asks for it.
     *
     * @param context the bundle context
     */
    @Activate
    public ShutdownOnSignal(BundleContext context) {
        if (Boolean.parseBoolean(context.getProperty("ipsocket.gateway.signals"))) {
            previous = Signal.handle(TERM, signal -> stopFramework(context));
        }
    }

    @Deactivate
    void deactivate() {
        if (previous != null) {
            Signal.handle(TERM, previous);
        }
    }

    private static void stopFramework(BundleContext context) {
        try {
            OrderlyExit.stopFramework(context);
        } catch (BundleException | IllegalStateException e) {
            System.err.println("ipsocket gateway: cannot stop the framework on SIGTERM: " + e);
            System.exit(1);
        }
    }
}
