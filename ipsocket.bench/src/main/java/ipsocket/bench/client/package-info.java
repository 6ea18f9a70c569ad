/**
 * The clients each benchmark mode runs, one per implementation: ipsocket, raw {@code java.nio} (the
 * baseline) and Netty (NIO and native epoll transports).
 *
 * <p>May import: {@code ipsocket.api}, the engine packages of {@code ipsocket.impl} (no OSGi), Netty,
 * {@code ipsocket.bench}.
 */
package ipsocket.bench.client;
