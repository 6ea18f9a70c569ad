/**
 * The I/O engine: event loops (one selector thread each), their group, timers and the
 * readiness callback a channel registers with. Knows nothing of sockets' semantics nor of OSGi.
 *
 * <p>May import: the JDK only.
 */
package ipsocket.impl.loop;
