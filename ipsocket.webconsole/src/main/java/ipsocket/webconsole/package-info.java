/**
 * The gateway's {@code --web}: the ipsocket page of the Apache Felix Web Console (every socket and
 * server with its state, peer, error, byte counters, reconnects and drops; connect, disconnect,
 * delete, and create through a form made from the kind's metatype) and
 * the console's login with the password the operator set, which replaces the console's own
 * default user.
 *
 * <p>A bundle of its own, not part of ipsocket.shell or ipsocket.events: it needs the servlet API
 * and the Web Console, which the gateway without {@code --web} and Karaf's ipsocket features do
 * not have. It uses only the ipsocket API and the shell's exported {@code ipsocket.shell.config}
 * (the configurations {@code ipsocket:create} writes).
 *
 * <p>May import: {@code ipsocket.api}, {@code ipsocket.shell.config}, the Web Console API, the
 * servlet API, the OWASP encoder, the OSGi framework, ConfigAdmin, MetaType, DS, the OSGi log.
 */
package ipsocket.webconsole;
