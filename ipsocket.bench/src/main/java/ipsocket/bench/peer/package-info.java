/**
 * The peers the clients talk to on loopback: sink, echo, line, source and UDP peers.
 *
 * <p>May import: {@code ipsocket.bench} and the JDK only, so that every implementation meets the same peer.
 */
package ipsocket.bench.peer;
