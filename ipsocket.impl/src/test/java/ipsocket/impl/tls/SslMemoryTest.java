package ipsocket.impl.tls;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.TestPki;
import ipsocket.impl.testing.TlsPeer;

/**
 * An idle TLS connection holds none of the big TLS buffers (about 150 KB per connection when
 * each kept its own): 200 sockets connected to a JDK server, a line echoed on each (so each
 * read its TLS 1.3 session ticket and used every buffer), then idle; each holds 0 bytes of
 * buffer, and the heap per connection is printed as a FIGURES line (client and the JDK server
 * in one JVM, so it includes the server's side).
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // keytool is slow on a loaded machine
class SslMemoryTest {
    private static final int CONNECTIONS = 200;

    @TempDir
    Path dir;

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void idleConnectionsHoldNoTlsBuffers() throws Exception {
        TestPki pki = new TestPki(dir, "memory-ca", "EC");
        TestPki.Entity server = pki.issue("server", "EC", "localhost", "dns:localhost,ip:127.0.0.1", false);
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, TlsPeer.protocols("TLSv1.3"), TlsPeer.ECHO));
        List<SslSocketImpl> sockets = new ArrayList<>();
        long before = TestData.usedHeapAfterGc();
        for (int i = 0; i < CONNECTIONS; i++) {
            SslSocketImpl socket = fixture.sslSocket();
            socket.setCaCertificates(List.of(pki.caPem().toString()));
            SocketProbe probe = probe(socket);
            socket.connectToHost("localhost", peer.port());
            probe.await(socket::isEncrypted, WAIT, "encrypted " + i);
            socket.write("ping\n");
            probe.await(socket::canReadLine, WAIT, "echo " + i);
            assertEquals("ping", socket.readLine());
            sockets.add(socket);
        }
        long after = TestData.usedHeapAfterGc();
        System.out.printf("FIGURES SslMemoryTest: %d idle TLS 1.3 connections, heap %d bytes per connection"
                + " (ipsocket client and JDK server together), TLS buffers held %d bytes per connection%n",
                CONNECTIONS, (after - before) / CONNECTIONS, held(sockets) / CONNECTIONS);
        Await.until(() -> held(sockets) == 0, WAIT, () -> "idle connections hold no TLS buffers: "
                + held(sockets) + " bytes");
        for (SslSocketImpl socket : sockets) {
            socket.write("still there\n"); // buffers are taken again when needed
            probe(socket).await(socket::canReadLine, WAIT, "echo after idling");
            assertEquals("still there", socket.readLine());
        }
    }

    /** The TLS buffer bytes all sockets hold, asked on each socket's loop thread. */
    private static long held(List<SslSocketImpl> sockets) {
        long sum = 0;
        for (SslSocketImpl socket : sockets) {
            CompletableFuture<Integer> bytes = new CompletableFuture<>();
            socket.loop().execute(() -> bytes.complete(socket.heldTlsBufferBytes()));
            try {
                sum += bytes.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the loop did not answer", e);
            }
        }
        return sum;
    }
}
