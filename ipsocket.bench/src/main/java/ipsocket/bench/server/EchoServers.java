package ipsocket.bench.server;

import java.io.IOException;

import ipsocket.bench.peer.EchoPeer;
import ipsocket.bench.peer.Peer;

/** Starts the echo server of an implementation for the server modes. */
public final class EchoServers {
    private EchoServers() {
    }

    /**
     * Starts an echo server on a loopback port chosen by the OS.
     *
     * @param impl nio, ipsocket, netty or netty-epoll
     * @param ioThreads the I/O threads of the connections (raw NIO: one thread for everything)
     * @return the server
     * @throws IOException if it cannot listen
     */
    public static Peer open(String impl, int ioThreads) throws IOException {
        switch (impl) {
            case "nio":
                return new EchoPeer(0);
            case "ipsocket":
                return new IpsocketEchoServer(ioThreads);
            case "netty":
                return new NettyEchoServer(false, ioThreads);
            case "netty-epoll":
                return new NettyEchoServer(true, ioThreads);
            default:
                throw new IllegalArgumentException("unknown implementation " + impl);
        }
    }
}
