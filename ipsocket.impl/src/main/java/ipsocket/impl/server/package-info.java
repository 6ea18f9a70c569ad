/**
 * TCP servers: {@code TcpServerImpl} (the {@code TcpServer} API, its settings and connections) and
 * {@code Acceptor} (the listening channel on the shared event loop: accepting, pausing, the limit,
 * the back-off when descriptors run out). An accepted connection is no new socket kind: it is a
 * {@code TcpSocketImpl} that takes over the accepted channel and starts in Connected, under the one
 * lifecycle of every socket.
 *
 * <p>May import: {@code ipsocket.api}, {@code common}, {@code io}, {@code loop} and {@code tcp}
 * (the accepted connections); nothing of OSGi.
 */
package ipsocket.impl.server;
