package ipsocket.gateway;

import java.nio.file.Files;
import java.nio.file.Path;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * The activator of the tiny bundle {@link GatewayProcessIT} hot-deploys: it writes a marker
 * file named by the framework property {@code ipsocket.test.marker} when it starts.
 */
public class MarkerActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) throws Exception {
        String marker = context.getProperty("ipsocket.test.marker");
        if (marker != null) {
            Files.writeString(Path.of(marker), context.getBundle().getSymbolicName() + " started");
        }
    }

    @Override
    public void stop(BundleContext context) {
        // nothing to release
    }
}
