/**
 * JMH micro-benchmarks of hot paths (line scanning, buffer copies, event building), each beside
 * its baseline.
 *
 * <p>May import: JMH, {@code ipsocket.api}, the engine packages of {@code ipsocket.impl}, Netty's buffers and codecs.
 */
package ipsocket.bench.jmh;
