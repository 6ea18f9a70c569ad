package ipsocket.reliability.fault;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer the namespace tests connect to, run as its own JVM inside the test's network
 * namespace ({@code ip netns exec NS java -cp test-classes ipsocket.reliability.fault.NsPeer
 * ADDRESS PORT...}). It listens on every port given, accepts any number of connections, reads
 * and discards what arrives, and never sends: a quiet server, so that a connection is idle
 * unless the client writes. It prints {@code READY} once every port listens and exits when its
 * standard input closes, so it cannot outlive the test JVM that started it.
 */
public final class NsPeer {

    private NsPeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args the address to listen on, then one or more ports
     * @throws IOException if a port cannot be bound
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: NsPeer ADDRESS PORT...");
            System.exit(2);
        }
        InetAddress address = InetAddress.getByName(args[0]);
        List<ServerSocket> servers = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, Integer.parseInt(args[i])), 50);
            servers.add(server);
        }
        for (ServerSocket server : servers) {
            Thread acceptor = new Thread(() -> acceptLoop(server), "nspeer-accept-" + server.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }
        System.out.println("READY");
        System.out.flush();
        // Live as long as the test JVM holds our standard input open.
        InputStream in = System.in;
        byte[] sink = new byte[256];
        while (in.read(sink) >= 0) {
            // ignore
        }
        System.exit(0);
    }

    private static void acceptLoop(ServerSocket server) {
        while (true) {
            Socket connection;
            try {
                connection = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread reader = new Thread(() -> discardUntilEnd(connection),
                    "nspeer-conn-" + connection.getRemoteSocketAddress());
            reader.setDaemon(true);
            reader.start();
        }
    }

    private static void discardUntilEnd(Socket connection) {
        byte[] buffer = new byte[64 * 1024];
        try (connection; InputStream in = connection.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // reset or timed out: the connection is gone either way
        }
    }
}
