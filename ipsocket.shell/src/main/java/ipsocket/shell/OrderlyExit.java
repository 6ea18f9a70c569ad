package ipsocket.shell;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Stops the gateway in order and makes the process exit with status 0.
 *
 * <p>Stopping the system bundle stops every bundle, so every socket closes gracefully; the
 * launcher then ends the JVM with its own status for a stopped framework (117 for the bnd
 * launcher). A shutdown hook registered first turns that exit into status 0, because the
 * stop was asked for.
 */
final class OrderlyExit {

    private OrderlyExit() {
    }

    /**
     * Stops the framework; the JVM exits with status 0 once the launcher ends it.
     *
     * @param context any bundle context
     * @throws BundleException if the framework cannot be stopped
     */
    static void stopFramework(BundleContext context) throws BundleException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(0), "ipsocket-orderly-exit"));
        context.getBundle(0).stop();
    }
}
