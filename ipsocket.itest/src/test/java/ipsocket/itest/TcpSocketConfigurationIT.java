package ipsocket.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;

/**
 * A factory configuration under {@code ipsocket.TcpSocket} becomes a live TCP socket service
 * that connects to a loopback peer, posts its events and goes away when the configuration is
 * deleted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TcpSocketConfigurationIT extends IpSocketTestSupport {
    private ServerSocket server;

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    @Before
    public void startPeer() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @After
    public void stopPeer() throws Exception {
        server.close();
    }

    /** Configuration in, connected service and events out; the bytes written reach the peer. */
    @Test
    public void configuredSocketConnectsAndWrites() throws Exception {
        try (EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS)) {
            org.osgi.service.cm.Configuration configuration = createFactoryConfiguration(SocketPids.TCP_SOCKET,
                    Map.of("objectId", "plc1", "hostname", "127.0.0.1", "port", String.valueOf(server.getLocalPort())));
            try (Socket peer = server.accept()) {
                TcpSocket socket = awaitService(TcpSocket.class, "(objectId=plc1)", TIMEOUT);
                assertNotNull(socket);
                awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "socket connected");
                Event connected = events.awaitEvent(e -> e.getTopic().equals(SocketEvents.TCP_CONNECTED), TIMEOUT);
                assertEquals("plc1", connected.getProperty(SocketEvents.OBJECT_ID));
                assertEquals("Connected", connected.getProperty(SocketEvents.STATE));
                assertEquals(server.getLocalPort(), connected.getProperty(SocketEvents.PORT));

                assertEquals(5, socket.write("hello"));
                byte[] received = new byte[5];
                InputStream in = peer.getInputStream();
                int read = 0;
                while (read < 5) {
                    read += in.read(received, read, 5 - read);
                }
                assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), received);

                deleteConfiguration(configuration);
                events.awaitEvent(e -> e.getTopic().equals(SocketEvents.TCP_DISCONNECTED), TIMEOUT);
                assertEquals(-1, in.read());
            }
        }
    }
}
