package ipsocket.impl.udp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.Loopback.V4;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.UdpPeer;

/**
 * Proves that UDP sockets release their file descriptors: 300 bind/send/close cycles leave the
 * number of open descriptors where it started.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpLeakTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final int CYCLES = 300;
    /** File descriptors the JDK may open lazily on its own (caches, entropy, ...). */
    private static final int FD_SLACK = 8;
    private static final Duration SETTLE = Duration.ofSeconds(10);

    @Test
    void bindCloseCyclesLeaveFileDescriptorsWhereTheyWere() {
        assumeTrue(TestData.canCountFileDescriptors(), "no /proc/self/fd here");
        UdpPeer peer = fixture.udpPeer(V4);
        cycle(peer, -2, false);
        cycle(peer, -1, true);
        int baseline = TestData.openFileDescriptors();

        for (int i = 0; i < CYCLES; i++) {
            cycle(peer, i, i % 2 == 0);
        }

        Await.until(() -> TestData.openFileDescriptors() <= baseline + FD_SLACK, SETTLE,
                () -> "open file descriptors back to " + baseline + " (+" + FD_SLACK + "), now "
                        + TestData.openFileDescriptors());
    }

    /** Binds a socket, sends one datagram, and closes it gracefully or disposes it. */
    private void cycle(UdpPeer peer, int index, boolean graceful) {
        UdpSocketImpl socket = new UdpSocketImpl(fixture.loops(), "leak-" + index);
        try {
            socket.setAutoConnect(false);
            SocketProbe probe = probe(socket);
            socket.bind();
            probe.awaitState(SocketState.BOUND, WAIT);
            socket.writeDatagram(UdpDatagram.to(V4, peer.port(), new byte[] {(byte) index}));
            assertEquals(1, peer.receive(WAIT).payload().length);
            if (graceful) {
                socket.disconnectFromHost();
            } else {
                socket.abort();
            }
            probe.awaitDisconnected(WAIT);
            assertEquals(SocketState.DISCONNECTED, socket.getState());
        } finally {
            socket.dispose();
        }
    }
}
