package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket configurations carried by a bundle (issue 18): the gateway runs the OSGi Configurator
 * (Apache Felix Configurator), so a bundle hot-deployed with {@code --deploy} that holds
 * {@code OSGI-INF/configurator/*.json} creates its sockets, and takes them away when it is
 * uninstalled (its file deleted from the deploy folder).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayConfiguratorIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private Process gateway;
    private Path console;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        GatewayProcesses.stop(gateway, closeables);
    }

    @Test
    void aBundleWithConfiguratorJsonBringsItsSocketsAndTakesThemAway() throws Exception {
        Path deploy = start();
        ServerSocket plcPeer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        closeables.add(plcPeer);
        plcPeer.setSoTimeout((int) DEADLINE.toMillis());
        DatagramSocket meterPeer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        closeables.add(meterPeer);
        meterPeer.setSoTimeout((int) DEADLINE.toMillis());
        // Numbers as JSON numbers (the Configurator makes them Long) and as typed Integer.
        String json = "{\n"
                + "  \":configurator:resource-version\": 1,\n"
                + "  \"ipsocket.TcpSocket~plc1\": {\"objectId\": \"plc1\", \"hostname\": \"127.0.0.1\", \"port\": "
                + plcPeer.getLocalPort() + "},\n"
                + "  \"ipsocket.UdpSocket~meter\": {\"objectId\": \"meter\", \"hostname\": \"127.0.0.1\","
                + " \"port:Integer\": " + meterPeer.getLocalPort() + "},\n"
                + "  \"ipsocket.PeriodicWriter~meter\": {\"objectId\": \"meter\", \"kind\": \"UdpSocket\","
                + " \"text\": \"hello\", \"intervalMillis\": 100}\n"
                + "}\n";
        Path bundle = deploy.resolve("site-sockets.jar");
        GatewayFiles.writeConfigurationBundle(bundle, "example.site.sockets", json);

        Socket plc = plcPeer.accept();
        closeables.add(plc);
        DatagramPacket datagram = new DatagramPacket(new byte[64], 64);
        meterPeer.receive(datagram);
        assertEquals("hello", new String(datagram.getData(), 0, datagram.getLength(), StandardCharsets.UTF_8));

        Files.delete(bundle); // FileInstall uninstalls the bundle; the Configurator removes its configurations
        plc.setSoTimeout((int) DEADLINE.toMillis());
        assertEquals(-1, plc.getInputStream().read(), "plc1's connection is closed when its bundle goes; output:\n"
                + GatewayProcesses.read(console));
    }

    private Path start() throws IOException {
        GatewayProcesses.Headless started = GatewayProcesses.startHeadless(work, Map.of("JAVA_OPTS", "-Xmx128m"));
        gateway = started.process();
        console = started.console();
        return started.deploy();
    }
}
