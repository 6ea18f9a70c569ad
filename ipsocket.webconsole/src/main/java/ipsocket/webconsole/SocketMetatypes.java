package ipsocket.webconsole;

import java.util.Arrays;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Finds the metatype of a socket kind: the {@link ObjectClassDefinition} that the bundle declaring
 * the kind's factory PID (ipsocket.impl) gives the MetaType service. Looked up on every use, so a
 * restarted or updated ipsocket.impl is seen at once.
 */
final class SocketMetatypes {
    private final BundleContext context;
    private final MetaTypeService metaTypes;

    /**
     * Looks up through one MetaType service.
     *
     * @param context the page's bundle context, to list the bundles
     * @param metaTypes the MetaType service
     */
    SocketMetatypes(BundleContext context, MetaTypeService metaTypes) {
        this.context = context;
        this.metaTypes = metaTypes;
    }

    /**
     * Returns the metatype of a factory PID.
     *
     * @param factoryPid a socket or server factory PID
     * @return its object class definition, in the default locale
     * @throws IllegalStateException if no active bundle declares it
     */
    ObjectClassDefinition definition(String factoryPid) {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() != Bundle.ACTIVE) {
                continue;
            }
            MetaTypeInformation information = metaTypes.getMetaTypeInformation(bundle);
            if (information != null && Arrays.asList(information.getFactoryPids()).contains(factoryPid)) {
                return information.getObjectClassDefinition(factoryPid, null);
            }
        }
        throw new IllegalStateException("no bundle declares the metatype of " + factoryPid
                + " (is ipsocket.impl active?)");
    }
}
