package ipsocket.impl.tcp;

import static ipsocket.impl.testing.Await.WAIT;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketListener;
import ipsocket.impl.testing.SocketFixture;

/**
 * A listener written in the contract's shape, {@code propertyChanged(name, oldValue, newValue)}
 * without a socket argument, receives the {@code ...Changed()} signals of a real socket.
 */
class TcpListenerShapeTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void theContractsThreeArgumentPropertyChangedIsCalled() throws Exception {
        TcpSocketImpl socket = fixture.tcpSocket();
        BlockingQueue<String> changes = new LinkedBlockingQueue<>();
        socket.addListener(new SocketListener() {
            @Override
            public void propertyChanged(String name, Object oldValue, Object newValue) {
                changes.add(name + ": " + oldValue + " -> " + newValue);
            }
        });

        socket.setPort(502);
        socket.setHostname("localhost");

        List<String> seen = new ArrayList<>();
        for (String expected : List.of("port: -1 -> 502", "hostname:  -> localhost")) {
            String change;
            do {
                change = changes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(change, "no '" + expected + "' within " + WAIT + "; saw " + seen);
                seen.add(change);
            } while (!change.equals(expected));
        }
    }
}
