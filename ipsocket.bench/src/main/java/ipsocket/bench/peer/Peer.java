package ipsocket.bench.peer;

import java.net.InetSocketAddress;

/** A peer of one mode, serving on a loopback port until closed. */
public interface Peer extends AutoCloseable {
    /** The address clients connect or send to. */
    InetSocketAddress address();

    /** Stops serving and closes every socket and thread of the peer. */
    @Override
    void close();

    /** Starts the peer a mode talks to. */
    static Peer forMode(String mode, int port) throws java.io.IOException {
        switch (mode) {
            case "tcp-throughput":
                return new SinkPeer(port);
            case "tcp-pingpong":
            case "conn-scale":
                return new EchoPeer(port);
            case "tcp-lines":
                return new LinePeer(port);
            case "udp":
            case "udp-recv":
                return new UdpPeer(port);
            case "tls-throughput":
            case "tls-handshakes":
                try {
                    return new TlsSinkPeer(port);
                } catch (java.io.IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new java.io.IOException("no TLS material: " + e.getMessage(), e);
                }
            default:
                throw new IllegalArgumentException("No peer for mode " + mode);
        }
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port);
    }
}
