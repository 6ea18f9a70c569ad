package ipsocket.api;

import java.security.cert.X509Certificate;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A TLS client socket, after InCore's {@code SslSocket} and Qt's {@code QSslSocket}: a
 * {@link TcpSocket} whose stream is encrypted.
 *
 * <p>In {@link SslMode#SSL_CLIENT_MODE} (a socket configured under {@link SocketPids#SSL_SOCKET}
 * or created by its component factory) every connection is encrypted: as in Qt's
 * {@code connectToHostEncrypted()}, {@link SocketListener#connected} is called when the TCP
 * connection stands, the TLS handshake follows, and {@link SocketListener#encrypted} is called
 * when it finished. Bytes written before that wait in the write buffer and go out encrypted;
 * {@link #isEncrypted()} tells whether the handshake finished. A socket whose
 * {@link #getMode() mode} is {@link SslMode#UNENCRYPTED_MODE} when it connects stays plain until
 * {@link #startClientEncryption()} (STARTTLS protocols).
 *
 * <p>The peer is verified as {@link #getPeerVerifyMode()} says: by default its chain must lead
 * to a trusted CA ({@link #getCaCertificates()}, or the JDK's trust store) and its certificate
 * must match {@link #getPeerVerifyName()} (default: the hostname), which is also sent as SNI;
 * when {@link #getPinnedPeerSha256()} is set, the chain must also contain a certificate with
 * one of those SHA-256 fingerprints. A failed handshake is
 * {@link SocketError#SSL_HANDSHAKE_FAILED_ERROR}, an unreadable certificate, key or password
 * {@link SocketError#SSL_INVALID_USER_DATA_ERROR}, another TLS failure
 * {@link SocketError#SSL_INTERNAL_ERROR}; a peer that ends the stream without TLS close_notify
 * is {@link SocketError#REMOTE_HOST_CLOSED_ERROR} with an errorString saying so. Certificate and
 * key files are checked on every connect and read again when they changed (size or time), so a
 * renewed file takes effect on the next connect without a restart; while nothing changed, the
 * socket keeps its TLS context and its sessions resume.
 *
 * <p>{@link #disconnectFromHost()} sends every written byte, then TLS close_notify, then closes.
 * The passwords ({@code .privateKeyPassword}, {@code .keyStorePassword}) are write-only: no
 * getter, property, event or log line shows them.
 */
@ProviderType
public interface SslSocket extends TcpSocket {

    /**
     * Returns whether the handshake finished and the stream is encrypted now.
     *
     * @return {@code true} from {@link SocketListener#encrypted} until the connection ends
     */
    boolean isEncrypted();

    /**
     * Returns the socket's mode.
     *
     * @return {@link SslMode#SSL_CLIENT_MODE} while encrypting or configured to encrypt on connect,
     *         else {@link SslMode#UNENCRYPTED_MODE}
     */
    SslMode getMode();

    /**
     * Sets whether the next connections are encrypted from the start.
     *
     * @param mode {@link SslMode#SSL_CLIENT_MODE} (the default) or {@link SslMode#UNENCRYPTED_MODE}
     *        (plain until {@link #startClientEncryption()})
     * @throws IllegalArgumentException for {@link SslMode#SSL_SERVER_MODE}: a client socket cannot be the server
     */
    void setMode(SslMode mode);

    /**
     * Returns the TLS protocol version of the current session.
     *
     * @return for example {@code TLSv1.3}, empty while not encrypted
     */
    String getSessionProtocol();

    /**
     * Returns the cipher suite of the current session.
     *
     * @return for example {@code TLS_AES_128_GCM_SHA256}, empty while not encrypted
     */
    String getSessionCipher();

    /**
     * Returns the peer's certificate chain of the current session, the peer's own first.
     *
     * @return the chain, empty while not encrypted or when the peer sent none
     */
    List<X509Certificate> getPeerCertificateChain();

    /**
     * Returns the ALPN protocol the peer chose.
     *
     * @return the protocol, empty when none was negotiated or while not encrypted
     */
    String getNegotiatedAlpnProtocol();

    /**
     * Starts the TLS handshake on a connected plain socket (STARTTLS): bytes written before this
     * call go out plain, bytes written after it go out encrypted; bytes the peer sent before its
     * switch are readable as they arrived, none lost or duplicated.
     *
     * @return {@code false} (with an {@link SocketError#OPERATION_ERROR}) when the socket is not
     *         Connected or is already encrypting
     */
    boolean startClientEncryption();

    /**
     * Returns how the peer is verified.
     *
     * @return the mode, default {@link PeerVerifyMode#AUTO_VERIFY_PEER} (= VerifyPeer for a client)
     */
    PeerVerifyMode getPeerVerifyMode();

    /**
     * Sets how the peer is verified, from the next handshake on.
     *
     * @param mode the mode
     */
    void setPeerVerifyMode(PeerVerifyMode mode);

    /**
     * Returns the name the peer's certificate must match, also sent as SNI.
     *
     * @return the name, empty for the hostname
     */
    String getPeerVerifyName();

    /**
     * Sets the name the peer's certificate must match, from the next handshake on.
     *
     * @param name a host name, empty for the hostname
     */
    void setPeerVerifyName(String name);

    /**
     * Returns the PEM files of the trusted CA certificates.
     *
     * @return the paths, empty for the JDK's trust store
     */
    List<String> getCaCertificates();

    /**
     * Sets the PEM files of the trusted CA certificates, read on the next connect.
     *
     * @param paths the paths, empty for the JDK's trust store
     */
    void setCaCertificates(List<String> paths);

    /**
     * Returns the PEM file of the client's certificate chain.
     *
     * @return the path, empty for none
     */
    String getLocalCertificate();

    /**
     * Sets the PEM file of the client's certificate chain, read on the next connect.
     *
     * @param path the path, empty for none
     */
    void setLocalCertificate(String path);

    /**
     * Returns the PEM file of the client's private key.
     *
     * @return the path, empty for none
     */
    String getPrivateKey();

    /**
     * Sets the PEM file of the client's private key, read on the next connect: PKCS#8, encrypted
     * with {@link #setPrivateKeyPassword} or not; a traditional PKCS#1/SEC1 key needs the
     * BouncyCastle bundles in the framework.
     *
     * @param path the path, empty for none
     */
    void setPrivateKey(String path);

    /**
     * Sets the password of the private key; write-only, never shown anywhere.
     *
     * @param password the password, empty for none
     */
    void setPrivateKeyPassword(String password);

    /**
     * Returns the PKCS#12 file of the client's key and certificate chain.
     *
     * @return the path, empty for none
     */
    String getKeyStore();

    /**
     * Sets the PKCS#12 file of the client's key and certificate chain, read on the next connect.
     *
     * @param path the path, empty for none
     */
    void setKeyStore(String path);

    /**
     * Sets the password of the PKCS#12 file; write-only, never shown anywhere.
     *
     * @param password the password, empty for none
     */
    void setKeyStorePassword(String password);

    /**
     * Returns the protocol versions offered.
     *
     * @return the versions, default {@code TLSv1.3, TLSv1.2}
     */
    List<String> getSslProtocols();

    /**
     * Sets the protocol versions offered, from the next handshake on.
     *
     * @param protocols JDK names such as {@code TLSv1.3}
     */
    void setSslProtocols(List<String> protocols);

    /**
     * Returns the cipher suites offered.
     *
     * @return the suites, empty for the JDK's defaults
     */
    List<String> getCipherSuites();

    /**
     * Sets the cipher suites offered, from the next handshake on.
     *
     * @param suites JDK names, empty for the JDK's defaults
     */
    void setCipherSuites(List<String> suites);

    /**
     * Returns the pinned SHA-256 fingerprints.
     *
     * @return hex fingerprints, empty for no pinning
     */
    List<String> getPinnedPeerSha256();

    /**
     * Sets the SHA-256 fingerprints of which the peer's chain must contain one.
     *
     * @param fingerprints hex, colons allowed; empty for no pinning
     */
    void setPinnedPeerSha256(List<String> fingerprints);

    /**
     * Returns the ALPN protocols offered.
     *
     * @return the protocols in order of preference, empty for no ALPN
     */
    List<String> getAlpnProtocols();

    /**
     * Sets the ALPN protocols offered, from the next handshake on.
     *
     * @param protocols for example {@code h2}, {@code mqtt}
     */
    void setAlpnProtocols(List<String> protocols);

    /**
     * Returns the longest time the handshake may take.
     *
     * @return milliseconds, default 10000
     */
    int getHandshakeTimeout();

    /**
     * Sets the longest time the handshake may take, from the next handshake on.
     *
     * @param milliseconds 1 or more
     * @throws IllegalArgumentException if not positive
     */
    void setHandshakeTimeout(int milliseconds);
}
