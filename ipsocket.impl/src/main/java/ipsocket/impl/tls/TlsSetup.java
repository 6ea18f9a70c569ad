package ipsocket.impl.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import ipsocket.api.PeerVerifyMode;
import ipsocket.api.SocketError;
import ipsocket.impl.common.IpLiterals;
import ipsocket.impl.tcp.StreamLayer;

/**
 * Builds the {@link SSLEngine} of one connection from a socket's TLS properties: trust (the
 * JDK's trust store, or the CA PEM files), identity (certificate and key PEM files, or a PKCS#12
 * key store), protocols, cipher suites, ALPN, SNI and hostname verification.
 *
 * <p>Files are checked on every call and read again when anything the context was made from
 * changed ({@link Context}), so a renewed certificate or key takes effect on the next connect. A file that cannot be read or parsed, or a wrong password, is an
 * {@link SocketError#SSL_INVALID_USER_DATA_ERROR} naming the key and the file; a password never
 * appears in a text.
 */
final class TlsSetup {
    /** The engine and the verifier that records what it found wrong. */
    static final class Engine {
        final SSLEngine engine;
        final TlsVerifier verifier;

        Engine(SSLEngine engine, TlsVerifier verifier) {
            this.engine = engine;
            this.verifier = verifier;
        }
    }

    /**
     * An {@link SSLContext} with what it was made from: kept by the socket and used again while
     * nothing it was made from changed (no file's size or time, no setting, no password), so the
     * JDK's session cache can resume sessions; anything changed makes a new one.
     */
    static final class Context {
        final SSLContext context;
        final TlsVerifier verifier;
        final List<Object> madeFrom;

        Context(SSLContext context, TlsVerifier verifier, List<Object> madeFrom) {
            this.context = context;
            this.verifier = verifier;
            this.madeFrom = madeFrom;
        }
    }

    /** Stands for a file that cannot be read in a list of {@link #stamps}. */
    private static final String UNREADABLE = "unreadable";
    /** How many sets of CA files keep their parsed trust manager. */
    private static final int TRUST_MANAGERS_KEPT = 16;
    /** Trust managers by the stamps of their CA files, the least recently used dropped first. */
    private static final Map<List<Object>, X509TrustManager> TRUST_MANAGERS = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<List<Object>, X509TrustManager> eldest) {
                    return size() > TRUST_MANAGERS_KEPT;
                }
            });

    private TlsSetup() {
    }

    /**
     * Builds the engine for a connection to the socket's hostname and port.
     *
     * @param socket the socket
     * @param privateKeyPassword the private key's password, empty for none
     * @param keyStorePassword the key store's password, empty for none
     * @return the client-mode engine and its verifier
     * @throws StreamLayer.SetupException if a file, key or password is unusable
     */
    static Engine newEngine(SslSocketImpl socket, char[] privateKeyPassword, char[] keyStorePassword,
            Context previous) throws StreamLayer.SetupException {
        String name = socket.getPeerVerifyName().isEmpty() ? socket.getHostname() : socket.getPeerVerifyName();
        PeerVerifyMode mode = socket.getPeerVerifyMode();
        boolean verify = mode == PeerVerifyMode.VERIFY_PEER || mode == PeerVerifyMode.AUTO_VERIFY_PEER;
        List<Object> trustFrom = stamps(socket.getCaCertificates().isEmpty() ? List.of(jdkTrustStore())
                : socket.getCaCertificates());
        List<Object> madeFrom = madeFrom(socket, name, verify, privateKeyPassword, keyStorePassword, trustFrom);
        Context context = previous != null && previous.madeFrom.equals(madeFrom) ? previous : null;
        if (context == null) {
            TlsVerifier verifier = new TlsVerifier(verify ? trustManager(socket, trustFrom) : null, name,
                    socket.getPinnedPeerSha256());
            try {
                SSLContext made = SSLContext.getInstance("TLS");
                made.init(keyManagers(socket, privateKeyPassword, keyStorePassword),
                        new javax.net.ssl.TrustManager[] {verifier}, null);
                context = new Context(made, verifier, madeFrom);
            } catch (GeneralSecurityException e) {
                throw invalid(socket, "the JDK cannot set up TLS: " + e.getMessage());
            }
        }
        socket.keepContext(context);
        TlsVerifier verifier = context.verifier;
        SSLEngine engine = context.context.createSSLEngine(name, socket.getPort());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        if (verify) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!name.isEmpty() && IpLiterals.parse(name).isEmpty()) {
            parameters.setServerNames(List.of(new SNIHostName(name)));
        }
        parameters.setProtocols(checked(socket, "sslProtocols", socket.getSslProtocols(),
                engine.getSupportedProtocols()));
        if (!socket.getCipherSuites().isEmpty()) {
            parameters.setCipherSuites(checked(socket, "cipherSuites", socket.getCipherSuites(),
                    engine.getSupportedCipherSuites()));
        }
        if (!socket.getAlpnProtocols().isEmpty()) {
            parameters.setApplicationProtocols(socket.getAlpnProtocols().toArray(new String[0]));
        }
        engine.setSSLParameters(parameters);
        return new Engine(engine, verifier);
    }

    /** What a context is made from: settings, the files' sizes and times, and the passwords' hashes (in memory only). */
    private static List<Object> madeFrom(SslSocketImpl socket, String name, boolean verify, char[] privateKeyPassword,
            char[] keyStorePassword, List<Object> trustFrom) {
        List<Object> parts = new java.util.ArrayList<>(List.of(name, verify, socket.getPinnedPeerSha256(),
                Arrays.hashCode(privateKeyPassword), Arrays.hashCode(keyStorePassword)));
        parts.addAll(trustFrom);
        parts.addAll(stamps(List.of(socket.getKeyStore(), socket.getLocalCertificate(), socket.getPrivateKey())));
        return parts;
    }

    /** The file the JDK's default trust store is read from (as its TrustStoreManager finds it). */
    private static String jdkTrustStore() {
        String configured = System.getProperty("javax.net.ssl.trustStore", "");
        if (!configured.isEmpty()) {
            return configured;
        }
        Path security = Path.of(System.getProperty("java.home"), "lib", "security");
        Path own = security.resolve("jssecacerts");
        return (Files.isRegularFile(own) ? own : security.resolve("cacerts")).toString();
    }

    /**
     * Each file's name, size and modification time, as one list (a file that cannot be read
     * stands as its name and "unreadable": reading it reports the problem).
     */
    private static List<Object> stamps(List<String> files) {
        List<Object> parts = new java.util.ArrayList<>(files.size() * 3);
        for (String file : files) {
            parts.add(file);
            try {
                if (!file.isEmpty()) {
                    BasicFileAttributes attributes = Files.readAttributes(Path.of(file), BasicFileAttributes.class);
                    parts.add(attributes.size());
                    parts.add(attributes.lastModifiedTime());
                }
            } catch (IOException | RuntimeException e) {
                parts.add(UNREADABLE);
            }
        }
        return parts;
    }

    private static String[] checked(SslSocketImpl socket, String key, List<String> wanted, String[] supported)
            throws StreamLayer.SetupException {
        List<String> known = Arrays.asList(supported);
        for (String value : wanted) {
            if (!known.contains(value)) {
                throw invalid(socket, key + ": '" + value + "' is not supported by this JDK (supported: "
                        + String.join(", ", known.size() > 12 ? known.subList(0, 12) : known)
                        + (known.size() > 12 ? ", ..." : "") + ")");
            }
        }
        if (wanted.isEmpty()) {
            throw invalid(socket, key + " is empty: name at least one");
        }
        return wanted.toArray(new String[0]);
    }

    /**
     * The trust manager for the socket's CA files (or the JDK's trust store), shared by every
     * socket whose files have the same names, sizes and times: the certificates are parsed once,
     * not for every new socket.
     */
    private static X509TrustManager trustManager(SslSocketImpl socket, List<Object> trustFrom)
            throws StreamLayer.SetupException {
        boolean cacheable = !trustFrom.contains(UNREADABLE);
        X509TrustManager known = cacheable ? TRUST_MANAGERS.get(trustFrom) : null;
        if (known != null) {
            return known;
        }
        X509TrustManager made = newTrustManager(socket);
        if (cacheable) {
            TRUST_MANAGERS.put(trustFrom, made);
        }
        return made;
    }

    private static X509TrustManager newTrustManager(SslSocketImpl socket) throws StreamLayer.SetupException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            List<String> files = socket.getCaCertificates();
            if (files.isEmpty()) {
                factory.init((KeyStore) null); // the JDK's trust store
            } else {
                KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
                anchors.load(null, null);
                for (String file : files) {
                    List<X509Certificate> certificates = PemFiles.certificates(socket, "caCertificates", file);
                    for (X509Certificate certificate : certificates) {
                        anchors.setCertificateEntry(file + "#" + anchors.size(), certificate);
                    }
                }
                factory.init(anchors);
            }
            for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    return (X509TrustManager) manager;
                }
            }
            throw invalid(socket, "the JDK has no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw invalid(socket, "the trust store cannot be set up: " + e.getMessage());
        }
    }

    private static KeyManager[] keyManagers(SslSocketImpl socket, char[] privateKeyPassword,
            char[] keyStorePassword) throws StreamLayer.SetupException {
        String keyStoreFile = socket.getKeyStore();
        String certificateFile = socket.getLocalCertificate();
        String keyFile = socket.getPrivateKey();
        if (keyStoreFile.isEmpty() && certificateFile.isEmpty() && keyFile.isEmpty()) {
            return null; // no client certificate
        }
        try {
            KeyStore keys;
            char[] password;
            if (!keyStoreFile.isEmpty()) {
                keys = KeyStore.getInstance("PKCS12");
                password = keyStorePassword;
                try (InputStream in = Files.newInputStream(Path.of(keyStoreFile))) {
                    keys.load(in, password);
                } catch (IOException e) {
                    if (e.getCause() instanceof UnrecoverableKeyException) {
                        throw invalid(socket, "keyStore '" + keyStoreFile + "' cannot be opened: wrong"
                                + " .keyStorePassword");
                    }
                    throw invalid(socket, "keyStore '" + keyStoreFile + "' cannot be read: " + PemFiles.reason(e));
                }
            } else {
                if (certificateFile.isEmpty() || keyFile.isEmpty()) {
                    throw invalid(socket, "a client certificate needs both localCertificate and privateKey (only "
                            + (certificateFile.isEmpty() ? "privateKey '" + keyFile + "'"
                                    : "localCertificate '" + certificateFile + "'") + " is set)");
                }
                List<X509Certificate> chain = PemFiles.certificates(socket, "localCertificate", certificateFile);
                java.security.PrivateKey key = PemFiles.privateKey(socket, keyFile, privateKeyPassword);
                if (!KeyFit.fits(key, chain.get(0).getPublicKey())) {
                    throw invalid(socket, "privateKey '" + keyFile + "' does not fit localCertificate '"
                            + certificateFile + "' (" + chain.get(0).getSubjectX500Principal().getName()
                            + "): they are not one key pair");
                }
                password = new char[] {'k'}; // in memory only: the key store never leaves this method
                keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                try {
                    keys.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
                } catch (GeneralSecurityException e) {
                    throw invalid(socket, "privateKey '" + keyFile + "' does not fit localCertificate '"
                            + certificateFile + "': " + e.getMessage());
                }
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            try {
                factory.init(keys, password);
            } catch (UnrecoverableKeyException e) {
                throw invalid(socket, "the key in keyStore '" + keyStoreFile + "' cannot be read: wrong"
                        + " .keyStorePassword");
            }
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw invalid(socket, "the client certificate cannot be set up: " + PemFiles.reason(e));
        }
    }

    /**
     * Returns the failure for unusable TLS settings.
     *
     * @param socket the socket
     * @param reason what is wrong, naming the key and the file
     * @return the exception, SslInvalidUserDataError
     */
    static StreamLayer.SetupException invalid(SslSocketImpl socket, String reason) {
        return new StreamLayer.SetupException(SocketError.SSL_INVALID_USER_DATA_ERROR, "TLS settings of socket '"
                + socket.getObjectId() + "' are invalid: " + reason);
    }
}
