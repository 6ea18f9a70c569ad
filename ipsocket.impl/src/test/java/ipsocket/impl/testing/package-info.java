/**
 * Test helpers of the socket tests, shared with the reliability suite as ipsocket.impl's test
 * jar: {@link ipsocket.impl.testing.SocketFixture} (the JUnit 5 extension that owns each test's
 * event loop group, sockets, probes and loopback peers and releases them in reverse order),
 * {@link ipsocket.impl.testing.Cleanups}, {@link ipsocket.impl.testing.Loopback}, the loopback
 * peers {@link ipsocket.impl.testing.TestServer} and {@link ipsocket.impl.testing.UdpPeer}, the
 * recording listener {@link ipsocket.impl.testing.SocketProbe}, the one wait helper
 * {@link ipsocket.impl.testing.Await}, and {@link ipsocket.impl.testing.TestData}.
 *
 * <p>May import: {@code ipsocket.api}, the engine packages of {@code ipsocket.impl} (common,
 * loop, tcp, udp; never osgi), JUnit 5.
 */
package ipsocket.impl.testing;
