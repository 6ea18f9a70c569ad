package ipsocket.bench.peer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import ipsocket.bench.Proto;
import ipsocket.bench.TlsMaterial;

/**
 * tls-throughput and tls-handshakes peer: a JDK TLS server (TLS 1.3, AES-128-GCM), a thread per
 * connection; reads an 8-byte length L, then L bytes, answers 'K', repeats until the client
 * closes. A client that only shakes hands and closes is served the same way.
 */
public final class TlsSinkPeer implements Peer {
    private final SSLServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public TlsSinkPeer(int port) throws Exception {
        server = (SSLServerSocket) TlsMaterial.get().serverContext().getServerSocketFactory()
                .createServerSocket(port, 1024, InetAddress.getLoopbackAddress());
        server.setEnabledProtocols(new String[] {TlsMaterial.PROTOCOL});
        server.setEnabledCipherSuites(new String[] {TlsMaterial.CIPHER});
        acceptor = new Thread(this::accept, "bench-tls-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket connection = (SSLSocket) server.accept();
                connection.setTcpNoDelay(true); // the handshake's and the answer's small writes go at once
                connections.add(connection);
                Thread serving = new Thread(() -> serve(connection), "bench-tls-peer-conn");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket connection) {
        try (connection) {
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(connection.getInputStream(),
                    256 * 1024));
            OutputStream out = connection.getOutputStream();
            byte[] buffer = new byte[256 * 1024];
            while (true) {
                long remaining = in.readLong();
                while (remaining > 0) {
                    int count = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (count < 0) {
                        return;
                    }
                    remaining -= count;
                }
                out.write(Proto.ACK);
                out.flush();
            }
        } catch (IOException e) {
            // the client closed: the normal end of a connection
        } finally {
            connections.remove(connection);
        }
    }

    @Override
    public InetSocketAddress address() {
        return Peer.loopback(server.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
