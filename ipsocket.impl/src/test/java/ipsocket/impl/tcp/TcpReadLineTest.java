package ipsocket.impl.tcp;

import static ipsocket.impl.tcp.TcpDataTest.assertBytes;
import static ipsocket.impl.testing.Await.QUIET;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.connect;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.TestServer.Connection;

/**
 * Proves the reading side of a TCP socket: lines split across arrivals, CRLF and empty lines,
 * over-long lines returned in pieces with nothing lost, peek versus read, atEnd after the peer
 * closes, and readyRead / lineAvailableForRead signalled once per arrival.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpReadLineTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private TcpSocketImpl socket;
    private SocketProbe probe;
    private Connection peer;

    @BeforeEach
    void connectToIdlePeer() {
        TestServer server = fixture.startServer(TestServer.Mode.IDLE);
        socket = fixture.tcpSocket();
        probe = probe(socket);
        connect(socket, probe, server);
        peer = server.awaitConnection(WAIT);
    }

    private void awaitAvailable(long bytes) {
        probe.await(() -> socket.getBytesAvailable() == bytes, WAIT, bytes + " bytes available, have "
                + socket.getBytesAvailable());
    }

    @Test
    void lineSplitAcrossArrivalsIsAssembledAndCrLfStripped() {
        peer.send("hel");
        awaitAvailable(3);
        assertFalse(socket.canReadLine());
        assertEquals("", socket.readLine(), "no line yet");
        assertEquals(3, socket.getBytesAvailable(), "readLine without a line consumes nothing");
        assertEquals(0, probe.lineAvailableCount());

        peer.send("lo\r");
        awaitAvailable(6);
        assertFalse(socket.canReadLine(), "a CR alone ends no line");
        assertEquals(0, probe.lineAvailableCount());

        peer.send("\nwor");
        probe.await(() -> probe.lineAvailableCount() == 1, WAIT, "lineAvailableForRead");
        awaitAvailable(10);
        assertTrue(socket.canReadLine());
        assertEquals("hello", socket.readLine(), "CR and LF arriving apart are both stripped");
        assertEquals(3, socket.getBytesAvailable());
        assertFalse(socket.canReadLine());

        peer.send("ld\n\n");
        probe.await(() -> probe.lineAvailableCount() == 2, WAIT, "second lineAvailableForRead");
        awaitAvailable(7);
        assertEquals("world", socket.readLine());
        assertTrue(socket.canReadLine(), "the empty line is a line");
        assertEquals("", socket.readLine());
        assertFalse(socket.canReadLine());
        assertEquals(0, socket.getBytesAvailable());
    }

    @Test
    void linesSentByteByByteComeOutWhole() {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String line = i % 7 == 3 ? "" : "line-" + i + "-äö";
            expected.add(line);
            text.append(line).append(i % 2 == 0 ? "\r\n" : "\n");
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();

        peer.sendByteByByte(bytes);
        probe.await(() -> {
            while (socket.canReadLine()) {
                lines.add(socket.readLine());
            }
            return lines.size() >= expected.size();
        }, WAIT, expected.size() + " lines");

        assertEquals(expected, lines);
        assertEquals(0, socket.getBytesAvailable());
        int signals = probe.lineAvailableCount();
        assertTrue(signals >= 1 && signals <= expected.size(),
                signals + " lineAvailableForRead for " + expected.size() + " lines");
        assertTrue(probe.readyReadCount() <= bytes.length, "at most one readyRead per byte");
    }

    @Test
    void overLongLineComesBackInPiecesOfMaxLineLength() {
        socket.setMaxLineLength(16);
        String long40 = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";

        peer.send(long40 + "\n");
        awaitAvailable(41);

        assertTrue(socket.canReadLine());
        assertEquals(long40.substring(0, 16), socket.readLine());
        assertEquals(long40.substring(16, 32), socket.readLine());
        assertEquals(long40.substring(32), socket.readLine());
        assertFalse(socket.canReadLine());
        assertEquals(0, socket.getBytesAvailable(), "the terminator went with the last piece");
    }

    @Test
    void maxLineLengthBytesWithoutTerminatorAreALine() {
        socket.setMaxLineLength(16);
        String long40 = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";

        peer.send(long40);
        awaitAvailable(40);
        assertTrue(socket.canReadLine(), "16 bytes without terminator can be read as a line");
        probe.await(() -> probe.lineAvailableCount() == 1, WAIT, "lineAvailableForRead");
        assertEquals(long40.substring(0, 16), socket.readLine());
        assertEquals(long40.substring(16, 32), socket.readLine());
        assertFalse(socket.canReadLine(), "8 bytes without terminator are no line yet");
        assertEquals(8, socket.getBytesAvailable());

        peer.send("\n");
        probe.await(() -> socket.canReadLine(), WAIT, "line complete");
        assertEquals(long40.substring(32), socket.readLine());
        assertEquals(0, socket.getBytesAvailable());
    }

    @Test
    void peekAllDoesNotConsumeAndReadTakesAtMostMaxSize() {
        peer.send("abcdefghij");
        awaitAvailable(10);

        assertBytes("abcdefghij", socket.peekAll());
        assertBytes("abcdefghij", socket.peekAll());
        assertEquals(10, socket.getBytesAvailable());
        assertEquals(10, socket.getSize());
        assertEquals(0, socket.getPos());
        assertBytes("abcd", socket.read(4));
        assertBytes("", socket.read(0));
        assertThrows(IllegalArgumentException.class, () -> socket.read(-1));
        assertEquals(6, socket.getBytesAvailable());
        assertBytes("efghij", socket.read(100));
        assertBytes("", socket.readAll());
        assertBytes("", socket.read(5));
        assertBytes("", socket.peekAll());
        assertEquals(0, socket.getBytesAvailable());
    }

    @Test
    void atEndOnlyAfterThePeerClosedAndEverythingWasRead() {
        assertFalse(socket.atEnd(), "connected with an empty buffer: more may come");
        peer.send("tail");
        awaitAvailable(4);
        assertFalse(socket.atEnd());

        peer.close();
        probe.awaitDisconnected(WAIT);
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);

        assertEquals(4, socket.getBytesAvailable(), "data that arrived stays readable");
        assertFalse(socket.atEnd(), "not at end while bytes are buffered");
        assertBytes("tail", socket.readAll());
        assertTrue(socket.atEnd());
    }

    @Test
    void neverConnectedSocketIsAtEnd() {
        TcpSocketImpl fresh = fixture.tcpSocket();
        assertTrue(fresh.atEnd());
        assertEquals(0, fresh.getBytesAvailable());
        assertFalse(fresh.canReadLine());
        assertEquals("", fresh.readLine());
        assertBytes("", fresh.readAll());
    }

    @Test
    void readyReadIsNotRepeatedWithoutNewData() {
        peer.send("x");
        probe.await(() -> probe.readyReadCount() == 1, WAIT, "readyRead");
        awaitAvailable(1);

        socket.peekAll();
        socket.readLine();
        probe.assertNotWithin(() -> probe.readyReadCount() > 1, QUIET,
                "readyRead again without new data");

        peer.send("y");
        probe.await(() -> probe.readyReadCount() == 2, WAIT, "readyRead for new data");
        awaitAvailable(2);
        assertBytes("xy", socket.readAll());
        probe.assertNotWithin(() -> probe.readyReadCount() > 2, QUIET,
                "readyRead after reading without new data");
    }

    @Test
    void lineAvailableForReadOncePerArrivalWithALine() {
        peer.send("a\nb\n");
        awaitAvailable(4);
        probe.await(() -> probe.lineAvailableCount() >= 1, WAIT, "lineAvailableForRead");
        probe.assertNotWithin(() -> probe.lineAvailableCount() > 1, QUIET,
                "a second lineAvailableForRead for one arrival");

        peer.send("c");
        awaitAvailable(5);
        probe.await(() -> probe.readyReadCount() >= 2, WAIT, "readyRead for 'c'");
        probe.assertNotWithin(() -> probe.lineAvailableCount() > 1, QUIET,
                "lineAvailableForRead for an arrival without a line end");

        peer.send("\n");
        probe.await(() -> probe.lineAvailableCount() == 2, WAIT, "lineAvailableForRead for 'c\\n'");
        assertEquals("a", socket.readLine());
        assertEquals("b", socket.readLine());
        assertEquals("c", socket.readLine());
        assertFalse(socket.canReadLine());
        probe.assertNotWithin(() -> probe.lineAvailableCount() > 2, QUIET,
                "lineAvailableForRead without new data");
    }
}
