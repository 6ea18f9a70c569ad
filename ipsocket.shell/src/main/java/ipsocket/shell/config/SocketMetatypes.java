package ipsocket.shell.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Finds the metatype of a socket kind: the {@link ObjectClassDefinition} that the bundle declaring
 * the kind's factory PID (ipsocket.impl) gives the MetaType service, and checks values against
 * it. Looked up on every use, so a restarted or updated ipsocket.impl is seen at once. The Web
 * Console page builds its create form from it; {@code ipsocket:create} checks values with it.
 */
public final class SocketMetatypes {
    private final BundleContext context;
    private final MetaTypeService metaTypes;

    /**
     * Looks up through one MetaType service.
     *
     * @param context a bundle context, to list the bundles
     * @param metaTypes the MetaType service
     */
    public SocketMetatypes(BundleContext context, MetaTypeService metaTypes) {
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
    public ObjectClassDefinition definition(String factoryPid) {
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

    /**
     * Returns a check of values against a kind's metatype (type, bounds, options): the check
     * {@link SocketConfigurations#create(String, String, Map, ValueCheck)} applies before it
     * writes anything. A key the metatype does not know is left to the socket, which reports it.
     *
     * @param definition the kind's metatype
     * @return a check naming the metatype's reason for a refused value
     */
    public static ValueCheck check(ObjectClassDefinition definition) {
        Map<String, AttributeDefinition> attributes = new HashMap<>();
        AttributeDefinition[] all = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition attribute : all == null ? new AttributeDefinition[0] : all) {
            attributes.put(attribute.getID(), attribute);
        }
        return (key, value) -> {
            AttributeDefinition attribute = attributes.get(key);
            String problem = attribute == null ? null : attribute.validate(value);
            // Felix metatype answers with a message key such as "%greater than maximum".
            return problem == null || problem.isEmpty() ? null : problem.replaceFirst("^%", "");
        };
    }

    /**
     * Returns the check of a kind's values through a MetaType service known by its reference,
     * for a component that binds the service optionally (by reference, so that it loads no
     * MetaType class until one is there).
     *
     * @param context the bundle context that gets the service
     * @param metaTypeService a reference to the MetaType service
     * @param factoryPid the kind's factory PID
     * @return the check, or {@link ValueCheck#NONE} when no active bundle declares the kind's
     *         metatype or the service is gone
     */
    public static ValueCheck check(BundleContext context, ServiceReference<?> metaTypeService, String factoryPid) {
        Object service = context.getService(metaTypeService);
        if (!(service instanceof MetaTypeService)) {
            return ValueCheck.NONE;
        }
        try {
            return check(new SocketMetatypes(context, (MetaTypeService) service).definition(factoryPid));
        } catch (IllegalStateException noMetatype) {
            return ValueCheck.NONE; // the socket itself reports bad values then
        } finally {
            context.ungetService(metaTypeService);
        }
    }
}
