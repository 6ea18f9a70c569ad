/**
 * The {@code ipsocket:} Gogo commands (list, create, delete, write, readline, info) and the gateway's
 * orderly exit on SIGTERM.
 *
 * <p>May import: {@code ipsocket.api}, the Felix command annotations, the OSGi framework, ConfigAdmin, DS.
 */
package ipsocket.shell;
