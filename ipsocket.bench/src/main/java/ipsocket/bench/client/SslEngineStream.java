package ipsocket.bench.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import ipsocket.bench.TlsMaterial;

/**
 * The raw baseline of the tls-* modes: a JDK {@link SSLEngine} over a blocking
 * {@link SocketChannel} on the calling thread, with direct buffers and nothing else: what a
 * hand-written TLS client costs at the least. It names the peer and verifies its name, as the
 * other clients do; whether a session resumes depends on the context's session cache.
 */
final class SslEngineStream implements AutoCloseable {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private final ByteBuffer appIn;

    /**
     * Connects and shakes hands.
     *
     * @param context the client context
     * @param peer the server
     */
    SslEngineStream(SSLContext context, InetSocketAddress peer) throws IOException {
        channel = SocketChannel.open(peer);
        channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        engine = context.createSSLEngine("localhost", peer.getPort());
        engine.setUseClientMode(true);
        javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // verifies the name, as the others do
        engine.setSSLParameters(parameters);
        engine.setEnabledProtocols(new String[] {TlsMaterial.PROTOCOL});
        engine.setEnabledCipherSuites(new String[] {TlsMaterial.CIPHER});
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocateDirect(packet * 4);
        netOut = ByteBuffer.allocateDirect(packet * 4);
        appIn = ByteBuffer.allocateDirect(engine.getSession().getApplicationBufferSize() * 4);
        engine.beginHandshake();
        handshake();
    }

    private void handshake() throws IOException {
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP:
                    netOut.clear();
                    engine.wrap(EMPTY, netOut);
                    flush();
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    unwrapOnce();
                    break;
                case NEED_TASK:
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                    break;
                default:
                    return;
            }
        }
    }

    /** Unwraps one record, reading from the channel first when no whole one is buffered. */
    private void unwrapOnce() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult result = engine.unwrap(netIn, appIn);
            netIn.compact();
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new EOFException("the server closed the TLS session");
                }
                return;
            }
            if (channel.read(netIn) < 0) {
                throw new EOFException("the server closed the connection");
            }
        }
    }

    private void flush() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            channel.write(netOut);
        }
    }

    /** Encrypts and sends every remaining byte of {@code data}. */
    void write(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            netOut.clear();
            engine.wrap(data, netOut);
            flush();
        }
    }

    /** Reads one decrypted byte. */
    byte readByte() throws IOException {
        while (appIn.position() == 0) {
            unwrapOnce();
            if (engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
                handshake(); // a post-handshake message (TLS 1.3 session ticket)
            }
        }
        appIn.flip();
        byte b = appIn.get();
        appIn.compact();
        return b;
    }

    @Override
    public void close() throws IOException {
        try {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            flush();
        } finally {
            channel.close();
        }
    }
}
