/**
 * The OSGi face of the engine: the DS components (the shared runtime and event loop, one component
 * per configured or factory-made socket), metatype, configuration reading and the EventAdmin event
 * path. The only package of the bundle that knows OSGi.
 *
 * <p>May import: every other {@code ipsocket.impl} package, {@code ipsocket.api}, the OSGi framework,
 * DS, ConfigAdmin, metatype and (optionally) EventAdmin APIs.
 */
package ipsocket.impl.osgi;
