package ipsocket.bench;

import ipsocket.bench.client.Client;
import ipsocket.bench.client.IpsocketClient;
import ipsocket.bench.client.NettyClient;
import ipsocket.bench.client.NioClient;

/** Creates the client of an implementation name. */
public final class Clients {
    private Clients() {
    }

    public static Client open(String impl, int ioThreads) {
        switch (impl) {
            case "nio":
                return new NioClient();
            case "ipsocket":
                return new IpsocketClient(ioThreads);
            case "netty":
                return new NettyClient(false, ioThreads);
            case "netty-epoll":
                return new NettyClient(true, ioThreads);
            default:
                throw new IllegalArgumentException("unknown implementation " + impl);
        }
    }

    /** Why an implementation cannot run on this machine at all, or null. */
    public static String unavailable(String impl) {
        if (impl.equals("netty-epoll")) {
            try {
                String cause = NettyClient.epollUnavailable();
                return cause == null ? null : "Netty epoll unavailable: " + cause;
            } catch (LinkageError e) {
                return "Netty epoll unavailable: " + e;
            }
        }
        return null;
    }
}
