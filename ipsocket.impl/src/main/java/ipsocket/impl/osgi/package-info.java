/**
 * The OSGi face of the engine: the DS components (the shared runtime and event loop, one component
 * per configured or factory-made socket), the metatype (every socket key defined once in
 * {@code SocketConfiguration}), configuration reading ({@code ConfigurationReader} turns a
 * component's properties into the engine's {@code SocketSettings} and {@code ConfigurationProblem}s)
 * and the EventAdmin event path. The only package of the bundle that knows OSGi.
 *
 * <p>May import: every other {@code ipsocket.impl} package, {@code ipsocket.api}, the OSGi framework,
 * DS, ConfigAdmin, metatype and (optionally) EventAdmin APIs.
 */
package ipsocket.impl.osgi;
