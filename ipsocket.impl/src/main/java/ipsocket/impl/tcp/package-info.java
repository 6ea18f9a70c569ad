/**
 * The TCP socket kind: {@code TcpSocketImpl} (the API facade), {@code TcpTransport} (connect with
 * Happy Eyeballs, read and write readiness, half-close and graceful close), {@code TcpInput} and
 * {@code TcpOutput} (the buffers shared with callers' threads) and the TCP option table.
 *
 * <p>May import: {@code ipsocket.api}, {@code ipsocket.impl.common}, {@code ipsocket.impl.io},
 * {@code ipsocket.impl.loop} and the JDK. Never OSGi, never {@code ipsocket.impl.udp}.
 */
package ipsocket.impl.tcp;
