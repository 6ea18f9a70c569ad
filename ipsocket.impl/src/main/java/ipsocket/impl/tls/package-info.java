/**
 * TLS client sockets: {@link ipsocket.impl.tls.SslSocketImpl} is a TCP socket whose connections
 * get a {@link ipsocket.impl.tls.TlsLayer} (a JDK {@code SSLEngine} on the socket's loop) as
 * their byte layer; {@code TlsSetup}, {@code PemFiles} and {@code TlsVerifier} turn the socket's
 * TLS properties into the engine, {@code TlsFailures} turns its failures into errors.
 *
 * <p>Imports {@code tcp} (TLS is TCP plus a layer), {@code common} and {@code loop}; never
 * {@code udp} or {@code osgi}.
 */
package ipsocket.impl.tls;
