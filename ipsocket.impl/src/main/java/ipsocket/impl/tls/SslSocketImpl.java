package ipsocket.impl.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import ipsocket.api.PeerVerifyMode;
import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.SslMode;
import ipsocket.api.SslSocket;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.tcp.StreamLayer;
import ipsocket.impl.tcp.TcpSocketImpl;

/**
 * A TLS client socket: a {@link TcpSocketImpl} whose connections get a {@link TlsLayer}, on the
 * same lifecycle, loop, buffers and signals as every TCP socket.
 *
 * <p>{@code connected} comes when the TCP connection stands (as Qt's
 * {@code connectToHostEncrypted()}), {@code encrypted} when the handshake finished. The
 * certificate, key and trust files are checked on every connect and read again when changed
 * ({@link TlsSetup}), so renewed files take effect without a restart. The passwords are kept in fields of their own, never in the
 * properties, so no serialization, event or log line can show them.
 */
public class SslSocketImpl extends TcpSocketImpl implements SslSocket {
    private final Executor tlsTasks;
    /** Written by callers, read on the loop; {@code char[]} kept only as long as the socket. */
    private volatile char[] privateKeyPassword = new char[0];
    private volatile char[] keyStorePassword = new char[0];
    /** Whether connections are encrypted from the start (SslClientMode) or plain until STARTTLS. */
    private volatile boolean encryptOnConnect = true;

    /** The context of the last connection, used again while nothing it was made from changed. */
    private volatile TlsSetup.Context context;
    /** The live layer and what its handshake gave; written on the loop, read by callers. */
    private volatile TlsLayer layer;
    private volatile boolean encrypted;
    private volatile String sessionProtocol = "";
    private volatile String sessionCipher = "";
    private volatile String alpnProtocol = "";
    private volatile List<X509Certificate> peerChain = List.of();

    /**
     * Creates a disconnected TLS socket on the next loop of a group.
     *
     * @param group the shared loops and the TLS task executor
     * @param objectId the socket's name
     */
    public SslSocketImpl(EventLoopGroup group, String objectId) {
        this(group, objectId, group.tlsTasks());
    }

    /**
     * Creates a disconnected TLS socket whose handshake tasks run on a given executor: a test
     * holds a task back to close the socket while it runs.
     *
     * @param group the shared loops
     * @param objectId the socket's name
     * @param tlsTasks where the TLS engine's delegated tasks run
     */
    SslSocketImpl(EventLoopGroup group, String objectId, Executor tlsTasks) {
        super(group, objectId, SocketProperties.SSL);
        this.tlsTasks = tlsTasks;
    }

    // ---- the layer ------------------------------------------------------------------------

    @Override
    protected StreamLayer newStreamLayer() throws StreamLayer.SetupException {
        return encryptOnConnect ? newLayer() : null;
    }

    private TlsLayer newLayer() throws StreamLayer.SetupException {
        TlsSetup.Engine setup = TlsSetup.newEngine(this, privateKeyPassword, keyStorePassword, context);
        return new TlsLayer(this, setup.engine, setup.verifier, tlsTasks, getHandshakeTimeout());
    }

    /**
     * Returns the bytes of TLS buffer the connection holds now; loop thread (for the memory test).
     *
     * @return the capacities held, 0 without a connection
     */
    final int heldTlsBufferBytes() {
        TlsLayer current = layer;
        return current == null ? 0 : current.heldBufferBytes();
    }

    /**
     * Returns the live layer, for a test that follows it past the connection's end.
     *
     * @return the layer, or {@code null} without a connection
     */
    final TlsLayer liveLayer() {
        return layer;
    }

    /** Keeps the context the last connection was made with, for the next one (session resumption). */
    final void keepContext(TlsSetup.Context kept) {
        context = kept;
    }

    /** The layer started on a connection: the mode is SslClientMode; loop thread. */
    final void layerStarted(TlsLayer started) {
        boolean changed = getMode() != SslMode.SSL_CLIENT_MODE;
        layer = started;
        if (changed) {
            listeners().fire(listener -> listener.modeChanged(this, SslMode.SSL_CLIENT_MODE));
        }
    }

    /** The handshake finished: the session's facts, then the encrypted signal; loop thread. */
    final void encryptedNow(TlsLayer done) {
        SSLSession session = done.engine().getSession();
        sessionProtocol = session.getProtocol();
        sessionCipher = session.getCipherSuite();
        String alpn = done.engine().getApplicationProtocol();
        alpnProtocol = alpn == null ? "" : alpn;
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate certificate : session.getPeerCertificates()) {
                if (certificate instanceof X509Certificate) {
                    chain.add((X509Certificate) certificate);
                }
            }
        } catch (SSLPeerUnverifiedException e) {
            // VerifyNone against a peer without certificate: an empty chain
        }
        peerChain = List.copyOf(chain);
        encrypted = true;
        listeners().fire(listener -> listener.encrypted(this));
    }

    /** The layer's connection ended; loop thread. */
    final void layerEnded(TlsLayer ended) {
        if (layer != ended) {
            return;
        }
        layer = null;
        encrypted = false;
        sessionProtocol = "";
        sessionCipher = "";
        alpnProtocol = "";
        peerChain = List.of();
        if (!encryptOnConnect) {
            listeners().fire(listener -> listener.modeChanged(this, SslMode.UNENCRYPTED_MODE));
        }
    }

    /** Signals verification errors before the handshake fails; loop thread. */
    final void signalSslErrors(List<String> errors) {
        listeners().fire(listener -> listener.sslErrors(this, errors));
    }

    // ---- SslSocket --------------------------------------------------------------------------

    @Override
    public boolean isEncrypted() {
        return encrypted;
    }

    @Override
    public SslMode getMode() {
        return encryptOnConnect || layer != null ? SslMode.SSL_CLIENT_MODE : SslMode.UNENCRYPTED_MODE;
    }

    @Override
    public void setMode(SslMode mode) {
        if (mode == SslMode.SSL_SERVER_MODE) {
            throw new IllegalArgumentException("Socket '" + getObjectId() + "' is a TLS client: SslServerMode"
                    + " is for accepted connections");
        }
        encryptOnConnect = mode == SslMode.SSL_CLIENT_MODE;
    }

    @Override
    public String getSessionProtocol() {
        return sessionProtocol;
    }

    @Override
    public String getSessionCipher() {
        return sessionCipher;
    }

    @Override
    public List<X509Certificate> getPeerCertificateChain() {
        return peerChain;
    }

    @Override
    public String getNegotiatedAlpnProtocol() {
        return alpnProtocol;
    }

    @Override
    public boolean startClientEncryption() {
        String refusal = null;
        TlsLayer next = null;
        if (getState() != SocketState.CONNECTED) {
            refusal = "it is " + getState().seedName();
        } else if (layer != null) {
            refusal = "it is encrypted or encrypting already";
        } else {
            try {
                next = newLayer();
            } catch (StreamLayer.SetupException e) {
                status().reportErrorFromAnyThread(e.error(), e.getMessage());
                return false;
            }
        }
        if (next != null && !switchToLayer(next, () -> status().reportError(SocketError.OPERATION_ERROR,
                "Cannot start TLS on socket '" + getObjectId() + "' (" + endpoint() + "): the connection ended"))) {
            refusal = "bytes written before are still queued (wait for bytesWritten) or it does not accept writes";
        }
        if (refusal != null) {
            status().reportErrorFromAnyThread(SocketError.OPERATION_ERROR, "Cannot start TLS on socket '"
                    + getObjectId() + "' (" + endpoint() + "): " + refusal);
            return false;
        }
        return true;
    }

    @Override
    public PeerVerifyMode getPeerVerifyMode() {
        return props.get(SocketProperties.PEER_VERIFY_MODE);
    }

    @Override
    public void setPeerVerifyMode(PeerVerifyMode mode) {
        set(SocketProperties.PEER_VERIFY_MODE, mode);
    }

    @Override
    public String getPeerVerifyName() {
        return props.get(SocketProperties.PEER_VERIFY_NAME);
    }

    @Override
    public void setPeerVerifyName(String name) {
        set(SocketProperties.PEER_VERIFY_NAME, name);
    }

    @Override
    public List<String> getCaCertificates() {
        return props.get(SocketProperties.CA_CERTIFICATES);
    }

    @Override
    public void setCaCertificates(List<String> paths) {
        set(SocketProperties.CA_CERTIFICATES, paths);
    }

    @Override
    public String getLocalCertificate() {
        return props.get(SocketProperties.LOCAL_CERTIFICATE);
    }

    @Override
    public void setLocalCertificate(String path) {
        set(SocketProperties.LOCAL_CERTIFICATE, path);
    }

    @Override
    public String getPrivateKey() {
        return props.get(SocketProperties.PRIVATE_KEY);
    }

    @Override
    public void setPrivateKey(String path) {
        set(SocketProperties.PRIVATE_KEY, path);
    }

    @Override
    public void setPrivateKeyPassword(String password) {
        privateKeyPassword = password == null ? new char[0] : password.toCharArray();
    }

    @Override
    public String getKeyStore() {
        return props.get(SocketProperties.KEY_STORE);
    }

    @Override
    public void setKeyStore(String path) {
        set(SocketProperties.KEY_STORE, path);
    }

    @Override
    public void setKeyStorePassword(String password) {
        keyStorePassword = password == null ? new char[0] : password.toCharArray();
    }

    @Override
    public List<String> getSslProtocols() {
        return props.get(SocketProperties.SSL_PROTOCOLS);
    }

    @Override
    public void setSslProtocols(List<String> protocols) {
        set(SocketProperties.SSL_PROTOCOLS, protocols);
    }

    @Override
    public List<String> getCipherSuites() {
        return props.get(SocketProperties.CIPHER_SUITES);
    }

    @Override
    public void setCipherSuites(List<String> suites) {
        set(SocketProperties.CIPHER_SUITES, suites);
    }

    @Override
    public List<String> getPinnedPeerSha256() {
        return props.get(SocketProperties.PINNED_PEER_SHA256);
    }

    @Override
    public void setPinnedPeerSha256(List<String> fingerprints) {
        set(SocketProperties.PINNED_PEER_SHA256, fingerprints);
    }

    @Override
    public List<String> getAlpnProtocols() {
        return props.get(SocketProperties.ALPN_PROTOCOLS);
    }

    @Override
    public void setAlpnProtocols(List<String> protocols) {
        set(SocketProperties.ALPN_PROTOCOLS, protocols);
    }

    @Override
    public int getHandshakeTimeout() {
        return props.get(SocketProperties.HANDSHAKE_TIMEOUT);
    }

    @Override
    public void setHandshakeTimeout(int milliseconds) {
        set(SocketProperties.HANDSHAKE_TIMEOUT, milliseconds);
    }
}
