package ipsocket.impl.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import ipsocket.impl.common.Fingerprints;

/**
 * Checks the peer's chain for one connection and says in words what is wrong: the validity
 * dates, then the JDK's PKIX trust and hostname check (through the engine's "HTTPS" endpoint
 * identification), then the SHA-256 pins. Each failure names the certificate (subject and
 * fingerprint) and, for a name mismatch, the name; the texts are kept for the errorString and
 * the sslErrors signal.
 *
 * <p>Without a trust manager (VerifyNone, QueryPeer) every chain passes, except the pins.
 */
final class TlsVerifier extends X509ExtendedTrustManager {
    private final X509TrustManager trust;
    private final String name;
    private final List<String> pins;
    /**
     * What the check found wrong, per engine (one context serves the socket's connections one
     * after the other); written by the engine's task thread, read on the loop after the task.
     */
    private final Map<SSLEngine, List<String>> errors = Collections.synchronizedMap(new WeakHashMap<>());

    TlsVerifier(X509TrustManager trust, String name, List<String> pins) {
        this.trust = trust;
        this.name = name;
        this.pins = List.copyOf(pins);
    }

    /**
     * Returns what the check of one engine's peer found wrong.
     *
     * @param engine the engine
     * @return the error texts, empty if none
     */
    List<String> errors(SSLEngine engine) {
        List<String> found = errors.get(engine);
        return found == null ? List.of() : List.copyOf(found);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            fail(engine, "the peer sent no certificate");
        }
        if (trust != null) {
            for (X509Certificate certificate : chain) {
                try {
                    certificate.checkValidity();
                } catch (CertificateExpiredException e) {
                    fail(engine, "certificate " + describe(certificate) + " expired on " + certificate.getNotAfter());
                } catch (CertificateNotYetValidException e) {
                    fail(engine, "certificate " + describe(certificate) + " is not valid before " + certificate.getNotBefore());
                }
            }
            try {
                if (trust instanceof X509ExtendedTrustManager) {
                    ((X509ExtendedTrustManager) trust).checkServerTrusted(chain, authType, engine);
                } else {
                    trust.checkServerTrusted(chain, authType);
                }
            } catch (CertificateException e) {
                String reason = String.valueOf(e.getMessage());
                if (reason.contains("No name matching") || reason.contains("No subject alternative")) {
                    fail(engine, "certificate " + describe(chain[0]) + " does not match the name '" + name
                            + "' (peerVerifyName, default the hostname): " + reason);
                }
                fail(engine, "certificate chain of " + describe(chain[0]) + ", issued by '"
                        + chain[chain.length - 1].getIssuerX500Principal().getName()
                        + "', is not trusted (caCertificates, default the JDK's trust store): " + reason);
            }
        }
        checkPins(chain, engine);
    }

    private void checkPins(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
        if (pins.isEmpty()) {
            return;
        }
        List<String> seen = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            String sha256 = Fingerprints.sha256(certificate);
            if (pins.contains(sha256)) {
                return;
            }
            seen.add(describe(certificate));
        }
        fail(engine, "no certificate of the peer's chain matches pinnedPeerSha256 " + pins + ": the chain is "
                + String.join(", ", seen));
    }

    private void fail(SSLEngine engine, String text) throws CertificateException {
        if (engine != null) {
            errors.computeIfAbsent(engine, e -> Collections.synchronizedList(new ArrayList<>())).add(text);
        }
        throw new CertificateException(text);
    }

    static String describe(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "' (SHA-256 "
                + Fingerprints.sha256(certificate) + ")";
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client socket does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client socket does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client socket does not accept clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trust == null ? new X509Certificate[0] : trust.getAcceptedIssuers();
    }
}
