/**
 * The servers of the server modes ({@code server-accept}, {@code server-echo}): one echo server per
 * implementation (raw NIO is the module's {@code EchoPeer}), all driven by the same raw NIO client,
 * so that the ratios compare the servers alone.
 */
package ipsocket.bench.server;
