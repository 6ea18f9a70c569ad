package ipsocket.impl.tcp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * shutdownOutput(): the peer gets every byte written before, then end of stream, while the
 * socket stays connected and keeps reading the peer's answer.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpHalfCloseTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void halfCloseSendsEverythingThenFinAndKeepsReading() throws Exception {
        ServerSocket server = fixture.listen(1);
        CompletableFuture<String> peerReceived = new CompletableFuture<>();
        Thread peer = new Thread(() -> {
            try (Socket connection = server.accept(); InputStream in = connection.getInputStream()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                in.transferTo(all); // until the socket's FIN
                peerReceived.complete(all.toString(StandardCharsets.UTF_8));
                connection.getOutputStream().write("answer after your FIN\n".getBytes(StandardCharsets.UTF_8));
                connection.getOutputStream().flush();
            } catch (Exception e) {
                peerReceived.completeExceptionally(e);
            }
        }, "half-close-peer");
        peer.setDaemon(true);
        peer.start();

        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost("127.0.0.1", server.getLocalPort());
        probe.awaitConnected(WAIT);
        String request = "x".repeat(200_000) + "\nend of request\n";
        assertEquals(request.length(), socket.write(request));

        assertTrue(socket.shutdownOutput());
        assertFalse(socket.isWritable(), "no more writes after the half-close");
        assertEquals(-1, socket.write("late"));
        probe.awaitError(SocketError.OPERATION_ERROR, WAIT);

        assertEquals(request, peerReceived.get(10, TimeUnit.SECONDS), "every byte before the FIN arrives");
        probe.await(socket::canReadLine, WAIT, "the peer's answer after the half-close");
        // the socket closed nothing by itself: what ends it is the peer's close, reported as such
        assertEquals(List.of(SocketState.HOST_LOOKUP, SocketState.CONNECTING, SocketState.CONNECTED),
                probe.states().subList(0, 3));
        assertEquals("answer after your FIN", socket.readLine());
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
        probe.awaitDisconnected(WAIT);
        assertFalse(socket.shutdownOutput(), "nothing to shut down once disconnected");
        peer.join(5_000);
    }
}
