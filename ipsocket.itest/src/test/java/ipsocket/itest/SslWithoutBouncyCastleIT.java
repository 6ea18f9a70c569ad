package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;

import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;

/**
 * ipsocket.impl without the BouncyCastle bundles (its imports of them are optional): the bundle
 * resolves and starts, and an SslSocket given a traditional PEM key ({@code BEGIN EC PRIVATE KEY},
 * made by openssl) ends in SslInvalidUserDataError (31) naming the file and the bundles to add.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SslWithoutBouncyCastleIT extends IpSocketTestSupport {
    /**
     * Returns the framework set-up: the shared options, which hold no BouncyCastle.
     *
     * @return the options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    @Test
    public void aTraditionalKeyNamesTheMissingBundles() throws Exception {
        for (Bundle bundle : bundleContext.getBundles()) {
            assertTrue(bundle.getSymbolicName(), !String.valueOf(bundle.getSymbolicName()).startsWith("bc"));
        }
        Assume.assumeTrue("openssl is not installed (.ci/run installs it): skipped", commandInstalled("openssl"));
        Path dir = Files.createTempDirectory("ipsocket-no-bc-it");
        Path key = dir.resolve("sec1-key.pem");
        Path certificate = dir.resolve("client.pem");
        try (ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                EventRecorder events = recordEvents(SocketEvents.TOPIC_PREFIX + "SslSocket/*")) {
            runCommand("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
            runCommand("openssl", "req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=gateway-client", "-days", "2",
                    "-out", certificate.toString());
            assertTrue(Files.readString(key).contains("BEGIN EC PRIVATE KEY"));
            org.osgi.service.cm.Configuration configuration = createFactoryConfiguration(SocketPids.SSL_SOCKET,
                    Map.of("objectId", "no-bc", "hostname", "localhost", "port", String.valueOf(peer.getLocalPort()),
                            "caCertificates", certificate.toString(), "localCertificate", certificate.toString(),
                            "privateKey", key.toString()));
            Event error = events.awaitEvent(e -> e.getTopic().endsWith(SocketEvents.ERROR_OCCURRED)
                    && "no-bc".equals(e.getProperty(SocketEvents.OBJECT_ID)), TIMEOUT);
            assertEquals(SocketError.SSL_INVALID_USER_DATA_ERROR.value(), error.getProperty(SocketEvents.ERROR_CODE));
            String text = String.valueOf(error.getProperty(SocketEvents.ERROR_STRING));
            assertTrue(text, text.contains("privateKey '" + key + "'"));
            assertTrue(text, text.contains("bcprov, bcutil and bcpkix"));
            deleteConfiguration(configuration);
        } finally {
            Files.deleteIfExists(key);
            Files.deleteIfExists(certificate);
            Files.deleteIfExists(dir);
        }
    }

}
