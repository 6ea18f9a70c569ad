package ipsocket.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The features repository in a stock Apache Karaf 4.4 (CONTRACT.md §7), the way a Karaf user
 * goes: {@code feature:repo-add} of {@code mvn:ipsocket/ipsocket.features/VERSION/xml/features},
 * {@code feature:install ipsocket ipsocket-shell}, then a TcpSocket and a UdpSocket made with
 * {@code config:} commands (so every value is a String) that connect to loopback peers of the
 * test's own and exchange data, driven with the {@code ipsocket:} commands.
 *
 * <p>Karaf runs as a process from the distribution the build unpacked
 * ({@code org.apache.karaf:apache-karaf:tar.gz} from Maven Central); it resolves the
 * {@code mvn:} URLs of the ipsocket bundles and of the features file from
 * {@code target/repository}, which this module's build lays out (the reactor's jars and the
 * features file, in Maven layout), and
 * everything else from its own system folder. Without the distribution the test is skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KarafFeaturesIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final String version = System.getProperty("ipsocket.version");
    private KarafProcess karaf;
    private KarafConsole console;

    @BeforeAll
    void startKarafAndInstallFeatures() throws Exception {
        Path home = Path.of(System.getProperty("ipsocket.karaf.home", "target/no-karaf"));
        if (Boolean.getBoolean("ipsocket.karaf.skip")) {
            skip("-Dipsocket.karaf.skip=true");
        }
        if (!Files.isExecutable(home.resolve("bin/karaf"))) {
            skip("no Apache Karaf distribution at " + home + " (the build unpacks"
                    + " org.apache.karaf:apache-karaf:tar.gz from Maven Central)");
        }
        Path repository = Path.of(System.getProperty("ipsocket.features.repository"));

        karaf = KarafProcess.start(home, Path.of(System.getProperty("ipsocket.karaf.work")), repository);
        console = awaitConsole();

        String repoUrl = "mvn:ipsocket/ipsocket.features/" + version + "/xml/features";
        console.run("feature:repo-add " + repoUrl);
        assertTrue(console.run("feature:repo-list").contains(repoUrl), "repository listed");
        console.run("feature:install ipsocket ipsocket-shell");

        String installed = console.run("feature:list -i");
        assertTrue(installed.lines().anyMatch(line -> line.startsWith("ipsocket ")), "feature ipsocket installed:\n" + installed);
        assertTrue(installed.lines().anyMatch(line -> line.startsWith("ipsocket-shell ")), "feature ipsocket-shell installed:\n" + installed);
        // The commands are there once SCR has activated them.
        awaitIpsocket("list", output -> output.contains("NAME"), "the ipsocket commands");
    }

    @AfterAll
    void stopKaraf() throws Exception {
        try {
            if (console != null) {
                console.close();
            }
        } finally {
            if (karaf != null) {
                ProcessHandle jvm = karaf.handle();
                karaf.close();
                assertTrue(!jvm.isAlive(), "Karaf's JVM has ended");
            }
        }
    }

    @Test
    void bundlesComeOnceFromTheFeaturesAndKaraf() throws IOException {
        String bundles = console.run("bundle:list -s -t 0");
        for (String name : List.of("ipsocket.api", "ipsocket.impl", "ipsocket.shell", "bcprov", "bcutil", "bcpkix")) {
            assertEquals(1, count(bundles, name, "Active"), name + " once and active:\n" + bundles);
        }
        // The services ipsocket needs come from Karaf's own bundles, each present once.
        for (String name : List.of("org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.metatype",
                "org.apache.karaf.services.eventadmin")) {
            assertEquals(1, count(bundles, name, "Active"), name + " once and active:\n" + bundles);
        }
        assertEquals(0, count(bundles, "com.google.gson", ""), "Gson is embedded in ipsocket.impl, not a bundle:\n" + bundles);
        // EventAdmin is an optional import of ipsocket.impl: it must be wired to Karaf's.
        String requirements = console.run("bundle:requirements ipsocket.impl");
        assertTrue(requirements.contains("org.osgi.service.event 1.4.0 from org.apache.karaf.services.eventadmin"),
                "ipsocket.impl wired to Karaf's EventAdmin:\n" + requirements);
        // BouncyCastle too (SslSocket's traditional PEM keys): an optional import, wired to the
        // BouncyCastle Karaf runs for its SSH server (the feature's dependency bundles are not added twice).
        assertTrue(java.util.regex.Pattern.compile("org\\.bouncycastle\\.openssl 1\\.\\d+\\.\\d+ from bcpkix")
                .matcher(requirements).find(),
                "ipsocket.impl wired to bcpkix:\n" + requirements);
    }

    @Test
    void karafListensOnLoopbackOnly() throws IOException {
        Assumptions.assumeTrue(ListeningSockets.available(), "no /proc here to list Karaf's sockets");
        List<String> listening = ListeningSockets.of(karaf.handle().pid());
        // SSH, the JMX RMI registry and server, the shutdown port.
        assertTrue(listening.size() >= 3, "Karaf's listening sockets are seen: " + listening);
        assertTrue(listening.stream().allMatch(ListeningSockets::isLoopback), "Karaf listens beyond loopback: " + listening);
    }

    @Test
    void tcpSocketFromConfigCommandsTalksToALoopbackPeer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout((int) TIMEOUT.toMillis());
            createConnectedSocket("TcpSocket", "plc1", server.getLocalPort(), "lowDelay", "true");
            try (Socket peer = server.accept()) {
                peer.setSoTimeout((int) TIMEOUT.toMillis());

                assertTrue(ipsocket("write plc1 \"hello from karaf\\n\"").contains("bytes accepted"));
                BufferedReader reader = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("hello from karaf", reader.readLine());

                OutputStream out = peer.getOutputStream();
                out.write("hello from the peer\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                awaitIpsocket("readline plc1", output -> output.contains("hello from the peer"), "the peer's line at plc1");

                String info = ipsocket("info plc1");
                assertEquals("17", field(info, "bytesSent"), info);
                assertEquals("20", field(info, "bytesReceived"), info);
            }
        }
    }

    @Test
    void udpSocketFromConfigCommandsExchangesDatagramsWithALoopbackPeer() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(0, LOOPBACK)) {
            peer.setSoTimeout((int) TIMEOUT.toMillis());
            createConnectedSocket("UdpSocket", "probe", peer.getLocalPort(), "receiveQueueLimit", "16");

            assertTrue(ipsocket("write probe ping-from-karaf").contains("bytes accepted"));
            DatagramPacket received = new DatagramPacket(new byte[1500], 1500);
            peer.receive(received);
            assertEquals("ping-from-karaf",
                    new String(received.getData(), 0, received.getLength(), StandardCharsets.UTF_8));

            byte[] reply = "pong-from-peer".getBytes(StandardCharsets.UTF_8);
            peer.send(new DatagramPacket(reply, reply.length, received.getSocketAddress()));
            awaitIpsocket("info probe", output -> "1".equals(field(output, "pendingDatagrams")),
                    "the peer's datagram pending at probe");
            assertTrue(ipsocket("read probe").contains("pong-from-peer"));
        }
    }

    /**
     * Creates a socket of the kind (TcpSocket, UdpSocket) to 127.0.0.1:port with config: commands,
     * with one more setting, waits until it is Connected and checks its service's identity.
     */
    private void createConnectedSocket(String kind, String objectId, int port, String key, String value) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("objectId", objectId);
        settings.put("hostname", "127.0.0.1");
        settings.put("port", Integer.toString(port));
        settings.put(key, value);
        String pid = createConfiguration("ipsocket." + kind, objectId, settings);
        awaitIpsocket("info " + objectId, output -> state(output).equals("Connected"), objectId + " Connected");
        assertServiceIdentity("ipsocket.api." + kind, objectId, "ipsocket." + kind, pid);
    }

    /**
     * Makes a factory configuration with config: commands, every value a String as Karaf's
     * console makes them, and returns its PID.
     */
    private String createConfiguration(String factoryPid, String alias, Map<String, String> settings) throws IOException {
        StringBuilder commands = new StringBuilder("config:edit --factory --alias " + alias + " " + factoryPid);
        settings.forEach((key, value) -> commands.append("; config:property-set ").append(key).append(' ').append(value));
        commands.append("; config:update");
        console.run(commands.toString());
        String listed = console.run("config:list \"(objectId=" + settings.get("objectId") + ")\"");
        Matcher pid = Pattern.compile("(?m)^Pid:\\s*(\\S+)").matcher(listed);
        assertTrue(pid.find(), "the new configuration is listed:\n" + listed);
        assertTrue(listed.contains("port = " + settings.get("port")), listed);
        return pid.group(1);
    }

    /**
     * CONTRACT.md §7: the socket's service carries its configuration's PID, the factory PID and
     * the component name, as Karaf's service:list shows them.
     */
    private void assertServiceIdentity(String serviceInterface, String objectId, String factoryPid, String pid)
            throws IOException {
        String services = console.run("service:list " + serviceInterface);
        String block = Arrays.stream(services.split("(?m)^(?=\\[)"))
                .filter(candidate -> candidate.contains(" objectId = " + objectId + "\n"))
                .findFirst()
                .orElseGet(() -> fail("no " + serviceInterface + " service with objectId " + objectId + ":\n" + services));
        assertTrue(block.contains(" service.pid = " + pid + "\n"), "service.pid " + pid + ":\n" + block);
        assertTrue(block.contains(" service.factoryPid = " + factoryPid + "\n"), "service.factoryPid:\n" + block);
        assertTrue(block.contains(" component.name = " + factoryPid + "\n"), "component.name:\n" + block);
    }

    /** Skips every test of the class, saying why in the build's output (a skipped class shows no test). */
    private static void skip(String reason) {
        String message = "KarafFeaturesIT skipped: " + reason;
        System.out.println("[WARNING] " + message);
        Assumptions.abort(message);
    }

    /** Logs in once Karaf's SSH console is up and its feature commands are there. */
    private KarafConsole awaitConsole() {
        KarafConsole candidate = new KarafConsole(karaf.sshPort(), KarafProcess.USER, karaf.password());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!karaf.isAlive()) {
                candidate.close();
                fail("Karaf ended while starting:\n" + karaf.diagnostics());
            }
            try {
                candidate.run("feature:list -i");
                return candidate;
            } catch (IOException e) {
                last = e;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        candidate.close();
        return fail("Karaf's console did not answer within " + START_TIMEOUT + ": " + last + "\n" + karaf.diagnostics());
    }

    /**
     * Runs an ipsocket: command and returns what it printed. The commands return their text, as
     * Gogo commands do; Karaf's console prints a return value, but a command given to Karaf's
     * SSH exec (ssh host 'command', bin/client 'command') is not printed unless piped.
     */
    private String ipsocket(String arguments) throws IOException {
        return console.run("ipsocket:" + arguments + " | cat");
    }

    private String awaitIpsocket(String arguments, Predicate<String> condition, String what) {
        return awaitOutput("ipsocket:" + arguments + " | cat", condition, what);
    }

    /** Runs a command every 200 ms until its output satisfies the condition, failing after the deadline. */
    private String awaitOutput(String command, Predicate<String> condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = console.run(command);
                if (condition.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.getMessage();
            }
            if (!karaf.isAlive()) {
                fail("Karaf ended while waiting for " + what + ":\n" + karaf.diagnostics());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return fail("no " + what + " within " + TIMEOUT + "; last '" + command + "' said:\n" + last + "\n" + karaf.diagnostics());
    }

    /** The value of a line "key   value" of ipsocket:info, or "" when absent. */
    private static String field(String info, String key) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s+(.*?)\\s*$").matcher(info);
        return matcher.find() ? matcher.group(1) : "";
    }

    private static String state(String info) {
        return field(info, "state");
    }

    /** How many lines of a bundle:list end with the symbolic name and mention the state. */
    private static long count(String bundles, String symbolicName, String state) {
        return bundles.lines()
                .filter(line -> line.trim().endsWith(" " + symbolicName) && line.contains(state))
                .collect(Collectors.counting());
    }
}
