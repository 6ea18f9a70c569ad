package ipsocket.gateway;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * The activator of a bundle {@link GatewayLastResortIT} hot-deploys to make the gateway run out
 * of heap: a thread keeps every megabyte it allocates until the heap is exhausted.
 */
public class HeapExhaustingActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Thread eater = new Thread(() -> {
            List<byte[]> kept = new ArrayList<>();
            while (true) {
                kept.add(new byte[1 << 20]);
            }
        }, "ipsocket-test-heap-eater");
        eater.setDaemon(true);
        eater.start();
    }

    @Override
    public void stop(BundleContext context) {
        // the JVM ends before this bundle could be stopped
    }
}
