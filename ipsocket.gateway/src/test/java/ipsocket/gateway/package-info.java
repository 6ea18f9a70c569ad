/**
 * The gateway run as a real process: command line, configuration files, events file, shell, SIGTERM.
 *
 * <p>May import: JUnit 5, Gson, the OSGi framework (for the marker bundle); never the implementation.
 */
package ipsocket.gateway;
