/**
 * The UDP socket kind: {@code UdpSocketImpl} (the API facade), {@code UdpTransport} (binding, the
 * virtual connection, receiving and sending), the bounded {@code UdpReceiveQueue} and
 * {@code UdpSendQueue}, multicast memberships and the UDP option table.
 *
 * <p>May import: {@code ipsocket.api}, {@code ipsocket.impl.common}, {@code ipsocket.impl.loop} and
 * the JDK. Never OSGi, never {@code ipsocket.impl.tcp}.
 */
package ipsocket.impl.udp;
