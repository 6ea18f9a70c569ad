package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.event.EventAdmin;

/**
 * Checks that the test framework itself is sound: every bundle resolves and starts, the API
 * bundle exports its package, and the OSGi services the ipsocket bundles rely on are there.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FrameworkSmokeIT extends IpSocketTestSupport {

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    /** Every bundle is active, except fragments, which are resolved. */
    /** The framework is the one this failsafe execution asked for: Felix, or Equinox. */
    @Test
    public void runsInTheRequestedFramework() {
        String expected = "equinox".equals(System.getProperty("ipsocket.itest.framework"))
                ? "org.eclipse.osgi" : "org.apache.felix.framework";
        assertEquals(expected, bundleContext.getBundle(0).getSymbolicName());
    }

    @Test
    public void allBundlesActive() {
        assertAllBundlesActive();
    }

    /** The API bundle exports ipsocket.api at version 1.1.0 (1.1: TcpServer and SslSocket added). */
    @Test
    public void apiBundleExportsApiPackage() {
        Bundle api = findBundle("ipsocket.api");
        BundleWiring wiring = api.adapt(BundleWiring.class);
        assertNotNull("ipsocket.api is not resolved", wiring);
        BundleCapability export = null;
        for (BundleCapability capability : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
            if ("ipsocket.api".equals(capability.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                export = capability;
            }
        }
        assertNotNull("ipsocket.api does not export package ipsocket.api", export);
        assertEquals(new Version(1, 1, 0),
            export.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE));
    }

    /** SCR, Configuration Admin and Event Admin are registered. */
    @Test
    public void osgiServicesPresent() throws Exception {
        assertNotNull(awaitService(ServiceComponentRuntime.class, null, TIMEOUT));
        assertNotNull(awaitService(ConfigurationAdmin.class, null, TIMEOUT));
        assertNotNull(awaitService(EventAdmin.class, null, TIMEOUT));
    }

    private Bundle findBundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("Bundle " + symbolicName + " is not installed");
    }
}
