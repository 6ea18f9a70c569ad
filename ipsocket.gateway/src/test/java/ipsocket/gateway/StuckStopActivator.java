package ipsocket.gateway;

import java.util.concurrent.CountDownLatch;

import org.osgi.framework.BundleContext;

/**
 * The activator of a bundle {@link GatewayLastResortIT} hot-deploys whose stop never returns, as
 * a badly written bundle's may: it writes its marker file when it starts, as
 * {@link MarkerActivator} does, and its stop waits for a latch nobody opens.
 */
public class StuckStopActivator extends MarkerActivator {
    private final CountDownLatch never = new CountDownLatch(1);

    @Override
    public void stop(BundleContext context) {
        try {
            never.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
