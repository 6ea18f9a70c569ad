package ipsocket.impl.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK TLS server on loopback for tests: accepts TCP connections on a thread each, lays the
 * JDK's {@link SSLSocket} over them (so a handler can still reach the plain socket: STARTTLS,
 * closing without close_notify), and records what each handshake saw (SNI, ALPN, protocol,
 * client certificate) or how it failed.
 */
public final class TlsPeer implements AutoCloseable {
    /** What a connection does once accepted. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Serves one connection.
         *
         * @param peer the peer, to lay TLS over {@code plain} ({@link #tls})
         * @param plain the accepted TCP socket
         * @throws Exception on any failure (recorded)
         */
        void serve(TlsPeer peer, Socket plain) throws Exception;
    }

    /**
     * What a handshake showed the server; {@code sessionCreated} is the creation time of the
     * server's session, which a resumed handshake takes over from the session it resumes.
     */
    public record Seen(List<String> sniNames, String alpn, String protocol, String cipher, String clientSubject,
            String sessionId, long sessionCreated) {
    }

    private final ServerSocket server;
    private final SSLContext context;
    private final Handler handler;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Tunes every server socket before its handshake (protocols, client auth, ALPN). */
    private volatile java.util.function.Consumer<SSLSocket> tuning = socket -> { };
    /** The first handshake's facts, or its failure. */
    public final CompletableFuture<Seen> seen = new CompletableFuture<>();
    /** Every handshake's facts, in order. */
    public final List<Seen> handshakes = new CopyOnWriteArrayList<>();
    /** The first handler failure (after the handshake). */
    public final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private final Thread acceptor;

    /**
     * Starts a server.
     *
     * @param entity the server's key store and chain
     * @param clientCa the CA whose clients are trusted (for mutual TLS), or {@code null}
     * @param tuning tunes each socket before its handshake
     * @param handler what each connection does
     * @throws Exception if the server cannot start
     */
    public TlsPeer(TestPki.Entity entity, java.nio.file.Path clientCa, java.util.function.Consumer<SSLSocket> tuning,
            Handler handler) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(entity.keyStore())) {
            keys.load(in, TestPki.STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, TestPki.STORE_PASSWORD.toCharArray());
        TrustManagerFactory tmf = null;
        if (clientCa != null) {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            try (InputStream in = java.nio.file.Files.newInputStream(clientCa)) {
                anchors.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
        }
        this.context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        this.tuning = tuning == null ? socket -> { } : tuning;
        this.handler = handler;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.acceptor = new Thread(this::acceptLoop, "tls-peer-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket plain;
            try {
                plain = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(plain);
            Thread thread = new Thread(() -> {
                try {
                    handler.serve(this, plain);
                } catch (Throwable e) {
                    seen.completeExceptionally(e);
                    failure.complete(e);
                } finally {
                    try {
                        plain.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
            }, "tls-peer-connection");
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Lays TLS (server side) over an accepted socket and completes the handshake.
     *
     * @param plain the accepted socket
     * @param consumed bytes read from it already that belong to the TLS stream, or {@code null}
     * @return the TLS socket after the handshake
     * @throws IOException if the handshake fails
     */
    public SSLSocket tls(Socket plain, InputStream consumed) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, consumed, true);
        tls.setUseClientMode(false);
        tuning.accept(tls);
        sockets.add(tls);
        tls.startHandshake();
        ExtendedSSLSession session = (ExtendedSSLSession) tls.getSession();
        List<String> names = new ArrayList<>();
        for (SNIServerName name : session.getRequestedServerNames()) {
            names.add(new String(name.getEncoded(), java.nio.charset.StandardCharsets.US_ASCII));
        }
        String client = "";
        try {
            client = ((java.security.cert.X509Certificate) session.getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            // no client certificate
        }
        Seen facts = new Seen(names, String.valueOf(tls.getApplicationProtocol()), session.getProtocol(),
                session.getCipherSuite(), client, java.util.HexFormat.of().formatHex(session.getId()),
                session.getCreationTime());
        seen.complete(facts);
        handshakes.add(facts);
        return tls;
    }

    /**
     * Returns parameters that offer only some protocols.
     *
     * @param protocols the protocols
     * @return a tuning
     */
    public static java.util.function.Consumer<SSLSocket> protocols(String... protocols) {
        return socket -> socket.setEnabledProtocols(protocols);
    }

    /**
     * Returns a tuning that picks the first offered ALPN protocol the server knows.
     *
     * @param known the protocols the server speaks
     * @return a tuning
     */
    public static java.util.function.Consumer<SSLSocket> alpn(String... known) {
        return socket -> socket.setHandshakeApplicationProtocolSelector((s, offered) -> {
            for (String protocol : offered) {
                if (List.of(known).contains(protocol)) {
                    return protocol;
                }
            }
            return null; // no_application_protocol
        });
    }

    /**
     * Returns a tuning that requires a client certificate.
     *
     * @return a tuning
     */
    public static java.util.function.Consumer<SSLSocket> clientAuth() {
        return socket -> {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setNeedClientAuth(true);
            socket.setSSLParameters(parameters);
        };
    }

    /** Echoes every byte until the client's close_notify, then closes with close_notify. */
    public static final Handler ECHO = (peer, plain) -> {
        try (SSLSocket tls = peer.tls(plain, null)) {
            tls.getInputStream().transferTo(tls.getOutputStream());
        }
    };

    /**
     * Answers the ClientHello with the server's TLS 1.2 flight, then at once sends a fatal
     * {@code handshake_failure} alert and resets the connection: the client's own flight then
     * meets a reset connection (broken pipe) while the alert waits unread in its receive queue,
     * the order a real server's refusal takes when it is quick.
     */
    public static final Handler ALERT_AND_RESET_AFTER_THE_SERVER_FLIGHT = (peer, plain) -> {
        SSLEngine engine = peer.context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {"TLSv1.2"});
        InputStream in = plain.getInputStream();
        java.io.OutputStream out = plain.getOutputStream();
        ByteBuffer net = ByteBuffer.allocate(1 << 17);
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        ByteBuffer wire = ByteBuffer.allocate(1 << 17);
        engine.beginHandshake();
        boolean flightSent = false;
        while (!(flightSent && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP)) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> engine.getDelegatedTask().run();
                case NEED_WRAP -> {
                    wire.clear();
                    engine.wrap(ByteBuffer.allocate(0), wire);
                    out.write(wire.array(), 0, wire.position());
                    flightSent = true;
                }
                default -> {
                    net.flip();
                    SSLEngineResult result = engine.unwrap(net, app);
                    net.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        int count = in.read(net.array(), net.position(), net.remaining());
                        if (count < 0) {
                            throw new IOException("the client closed before its hello was complete");
                        }
                        net.position(net.position() + count);
                    }
                }
            }
        }
        out.write(new byte[] {21, 3, 3, 0, 2, 2, 40}); // alert record: fatal, handshake_failure
        out.flush();
        plain.setSoLinger(true, 0);
        plain.close();
    };

    @Override
    public void close() throws Exception {
        server.close();
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        acceptor.join(5_000);
        for (Thread thread : threads) {
            thread.join(5_000);
        }
    }
}
