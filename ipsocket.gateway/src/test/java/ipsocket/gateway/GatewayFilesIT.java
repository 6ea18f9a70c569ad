package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files the real gateway writes (issue 14), with the gateway run as a process
 * ({@code ./gateway --no-shell --conf --deploy --events --log}):
 * <ul>
 * <li>the events file is rotated by size and never more than {@code ipsocket.events.maxFiles}
 * files are kept;</li>
 * <li>the events files and the gateway log are owner-only (0600);</li>
 * <li>payloads (a periodic writer's WRITE events, received datagrams) appear in the events
 * file and on the console only for a socket with {@code publishData = true}, and a private
 * configuration property (leading dot) appears nowhere;</li>
 * <li>a bad configuration value is written to the gateway log file, naming key and value,
 * and printed on the console ({@code --no-shell}); so is a configuration file that the
 * configuration loader (FileInstall) rejects as a whole, naming the file and the reason.</li>
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayFilesIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int MAX_BYTES = 8192;
    private static final int MAX_FILES = 3;
    private static final String TCP_SECRET = "tcp-secret-payload";
    private static final String UDP_SECRET = "udp-secret-payload";
    private static final String PASSWORD = "hunter2-private";
    private static final String PUBLISHED = "published-payload";

    @TempDir
    Path work;

    private Path conf;
    private Path events;
    private Path gatewayLog;
    private Path console;
    private Process gateway;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void directories() throws IOException {
        conf = Files.createDirectories(work.resolve("conf"));
        events = work.resolve("events/events.jsonl");
        gatewayLog = work.resolve("log/gateway.log");
        console = work.resolve("console.txt");
    }

    @AfterEach
    void stop() throws Exception {
        GatewayProcesses.stop(gateway, closeables);
    }

    @Test
    void eventsFileRotatesStaysOwnerOnlyAndWithholdsPayloadsAndPrivateProperties() throws Exception {
        start();
        ServerSocket quietPeer = server();
        ServerSocket loudPeer = server();
        writeConfig("ipsocket.TcpSocket-quiet.cfg", "objectId = quiet\nhostname = 127.0.0.1\nport = "
                + quietPeer.getLocalPort() + "\n.password = " + PASSWORD + "\n");
        writeConfig("ipsocket.PeriodicWriter-quiet.cfg", "objectId = quiet\nkind = TcpSocket\ntext = " + TCP_SECRET
                + "\\n\nintervalMillis = 100\n");
        writeConfig("ipsocket.TcpSocket-loud.cfg", "objectId = loud\nhostname = 127.0.0.1\nport = "
                + loudPeer.getLocalPort() + "\npublishData = true\n");
        writeConfig("ipsocket.PeriodicWriter-loud.cfg", "objectId = loud\nkind = TcpSocket\ntext = " + PUBLISHED
                + "\\n\nintervalMillis = 200\n");
        int udpPort;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udpPort = probe.getLocalPort();
        }
        writeConfig("ipsocket.UdpSocket-udp.cfg", "objectId = udp\nlocalAddress = 127.0.0.1\nlocalPort = " + udpPort
                + "\n");

        // The writes really happen: the quiet peer receives the payload the events file must not show.
        Socket quiet = accept(quietPeer);
        quiet.setSoTimeout((int) DEADLINE.toMillis());
        byte[] first = quiet.getInputStream().readNBytes(TCP_SECRET.length() + 1);
        assertEquals(TCP_SECRET + "\n", new String(first, StandardCharsets.UTF_8));
        drain(quiet);
        closeables.add(drain(accept(loudPeer)));

        // A datagram arrives at a socket without publishData: its event is there, its bytes are not.
        byte[] datagram = UDP_SECRET.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            await(() -> {
                try {
                    sender.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                            udpPort));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return allEvents().contains("\"topic\":\"ipsocket/UdpSocket/DATAGRAM_RECEIVED\"");
            }, "a DATAGRAM_RECEIVED event for udp");
        }
        // The socket with publishData = true shows its payload: the look-up works, it is not all withheld.
        String published = Base64.getEncoder().encodeToString((PUBLISHED + "\n").getBytes(StandardCharsets.UTF_8));
        await(() -> allEvents().contains(published), "a WRITE event of loud with its data");

        // Rotation: the third file appears, and rotation goes on past it without a fourth.
        Path oldest = numbered(MAX_FILES - 1);
        await(() -> Files.exists(oldest), oldest.getFileName() + " (rotation)");
        String before = read(oldest);
        await(() -> !read(oldest).equals(before) && !read(oldest).isEmpty(), "rotation past the last kept file");
        assertFalse(Files.exists(numbered(MAX_FILES)), "at most " + MAX_FILES + " events files");
        for (int n = 1; n < MAX_FILES; n++) {
            assertTrue(Files.size(numbered(n)) <= MAX_BYTES, numbered(n) + " is " + Files.size(numbered(n)) + " B");
        }

        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX modes");
        for (Path file : List.of(events, numbered(1), numbered(2), gatewayLog)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    file.toString());
        }

        String everything = allEvents() + read(console) + read(gatewayLog);
        for (String secret : List.of(TCP_SECRET, UDP_SECRET, PASSWORD)) {
            assertFalse(everything.contains(secret), secret + " is written down");
            String base64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
            assertFalse(everything.contains(base64.substring(0, 16)), secret + " is written down in base64");
        }
        assertTrue(allEvents().contains("\"data.length\":" + (TCP_SECRET.length() + 1)), "the withheld length");
        assertTrue(read(console).contains("bytes (not shown: publishData is false)"), read(console));
    }

    @Test
    void badValuesAndRejectedFilesAreInTheGatewayLogFileAndOnTheConsole() throws Exception {
        start();
        writeConfig("ipsocket.TcpSocket-bad.cfg", "objectId = bad\nhostname = 127.0.0.1\nport = 70000\n");
        await(() -> read(gatewayLog).lines().anyMatch(line -> line.contains("WARN") && line.contains("port")
                && line.contains("70000")), "a WARN line naming port and 70000 in " + gatewayLog);
        await(() -> read(console).lines().anyMatch(line -> line.contains("WARN") && line.contains("70000")),
                "the warning on the console");
        assertFalse(read(console).contains("terminal"), "a terminal warning on a --no-shell console:\n"
                + read(console));

        // Files the configuration loader rejects as a whole: a bad backslash-u escape, a key repeated in
        // another case. Each is named, with the reason, in the log file, on the console and in the events file.
        writeConfig("ipsocket.TcpSocket-escape.cfg", "objectId = escape\nhostname = \\uZZZZ\nport = 1\n");
        writeConfig("ipsocket.TcpSocket-twice.cfg", "objectId = twice\nhostname = a\nHostname = b\nport = 1\n");
        for (String[] rejected : new String[][] {{"ipsocket.TcpSocket-escape.cfg", "ZZZZ"},
                {"ipsocket.TcpSocket-twice.cfg", "Hostname"}}) {
            for (Path output : List.of(gatewayLog, console, events)) {
                await(() -> read(output).lines().anyMatch(line -> line.contains("ERROR")
                        && line.contains(rejected[0]) && line.contains(rejected[1])),
                        "an ERROR line naming " + rejected[0] + " and " + rejected[1] + " in " + output);
            }
        }
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX modes");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(gatewayLog)));
    }

    @Test
    void theEventLoopsTheWritersAndOversizedFilesMistakesAreLoudEverywhereAndHarmNothingElse() throws Exception {
        start();
        ServerSocket peer = server();
        writeConfig("ipsocket.TcpSocket-device.cfg", "objectId = device\nhostname = 127.0.0.1\nport = "
                + peer.getLocalPort() + "\n");
        Socket device = accept(peer);

        // ioThreads = abc: refused, named with its value where the operator looks; the loop and its
        // socket go on (the connection stays up, and a write still arrives, below).
        writeConfig("ipsocket.EventLoop.cfg", "ioThreads = abc\n");
        awaitEverywhere("ioThreads", "abc");

        // A periodic writer with a bad interval and one with an unknown kind: each refused, naming key and
        // value, in an error event too; neither writes.
        writeConfig("ipsocket.PeriodicWriter-fast.cfg", "objectId = device\nintervalMillis = 1e3\n");
        writeConfig("ipsocket.PeriodicWriter-serial.cfg", "objectId = device\nkind = SerialPort\n");
        awaitEverywhere("intervalMillis", "1e3");
        awaitEverywhere("kind", "SerialPort");
        await(() -> read(events).lines().anyMatch(line -> line.contains("\"topic\":\"ipsocket/TcpSocket/ERROR_OCCURRED\"")
                && line.contains("intervalMillis") && line.contains("1e3") && line.contains("\"objectId\":\"device\"")),
                "an ERROR_OCCURRED event of device naming intervalMillis and 1e3");

        // A 5 MB configuration of 100,000 keys, first as a new file, then as a socket's file that grows to it:
        // refused before it is read, named with its size; the grown file's socket goes (its connection
        // ends), and comes back when the file shrinks again.
        String huge = hugeConfiguration("huge", 9);
        writeConfig("ipsocket.TcpSocket-huge.cfg", huge);
        awaitEverywhere("ipsocket.TcpSocket-huge.cfg", "is refused");
        ServerSocket growPeer = server();
        String small = "objectId = grow\nhostname = 127.0.0.1\nport = " + growPeer.getLocalPort() + "\n";
        writeConfig("ipsocket.TcpSocket-grow.cfg", small);
        Socket grown = accept(growPeer);
        writeConfig("ipsocket.TcpSocket-grow.cfg", hugeConfiguration("grow", growPeer.getLocalPort()));
        awaitEverywhere("ipsocket.TcpSocket-grow.cfg", "is refused");
        grown.setSoTimeout((int) DEADLINE.toMillis());
        assertEquals(-1, grown.getInputStream().read(), "the grown file's socket is closed");
        writeConfig("ipsocket.TcpSocket-grow.cfg", small);
        accept(growPeer);

        // A file whose name holds a parenthesis: SCR could never read its configuration; refused, named.
        writeConfig("ipsocket.TcpSocket-a(b).cfg", "hostname = 127.0.0.1\nport = 9\n");
        awaitEverywhere("ipsocket.TcpSocket-a(b).cfg", "parenthesis");

        // The configuration directory is not held up: a file dropped after the huge ones is applied, and
        // the socket on the loop whose configuration was refused still carries data.
        ServerSocket laterPeer = server();
        writeConfig("ipsocket.TcpSocket-later.cfg", "objectId = later\nhostname = 127.0.0.1\nport = "
                + laterPeer.getLocalPort() + "\n");
        accept(laterPeer);
        writeConfig("ipsocket.PeriodicWriter-device.cfg", "objectId = device\nintervalMillis = 100\ntext = alive\n");
        device.setSoTimeout((int) DEADLINE.toMillis());
        assertEquals("alive", new String(device.getInputStream().readNBytes(5), StandardCharsets.UTF_8));
        assertFalse(read(events).contains("\"objectId\":\"huge\""), "a socket was made from the huge file");
    }

    /** A socket configuration of 5 MB: the socket's keys and 100,000 made-up ones. */
    private static String hugeConfiguration(String objectId, int port) {
        StringBuilder huge = new StringBuilder("objectId = " + objectId + "\nhostname = 127.0.0.1\nport = " + port
                + "\n");
        for (int i = 0; i < 100_000; i++) {
            huge.append('k').append(i).append(" = ").append("v".repeat(40)).append('\n');
        }
        return huge.toString();
    }

    /** Waits for a line naming both texts in the gateway log, on the console and in the events file. */
    private void awaitEverywhere(String first, String second) {
        for (Path output : List.of(gatewayLog, console, events)) {
            await(() -> read(output).lines().anyMatch(line -> line.contains(first) && line.contains(second)),
                    "a line naming " + first + " and " + second + " in " + output);
        }
    }

    private void start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", System.getProperty("ipsocket.gateway.script"),
                "--no-shell", "--conf", conf.toString(), "--deploy",
                Files.createDirectories(work.resolve("deploy")).toString(), "--events", events.toString(), "--log",
                gatewayLog.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx128m -Dipsocket.events.maxBytes=" + MAX_BYTES
                + " -Dipsocket.events.maxFiles=" + MAX_FILES);
        builder.redirectErrorStream(true).redirectOutput(console.toFile());
        gateway = builder.start();
    }

    private Path numbered(int n) {
        return events.resolveSibling(events.getFileName() + "." + n);
    }

    /** Every kept events file, oldest first. */
    private String allEvents() {
        StringBuilder all = new StringBuilder();
        for (int n = MAX_FILES; n >= 1; n--) {
            all.append(read(numbered(n)));
        }
        return all.append(read(events)).toString();
    }

    /** A file's text, empty when it does not exist (or was just rotated away). */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException rotatedOrAbsent) {
            return "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private ServerSocket server() throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        closeables.add(server);
        return server;
    }

    private Socket accept(ServerSocket server) throws IOException {
        server.setSoTimeout((int) DEADLINE.toMillis());
        Socket socket = server.accept();
        closeables.add(socket);
        return socket;
    }

    /** Reads and discards what a peer receives, on a daemon thread, so the writer never blocks. */
    private static Socket drain(Socket socket) {
        Thread reader = new Thread(() -> {
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException closed) {
                // the test ends
            }
        }, "gateway-files-it-drain");
        reader.setDaemon(true);
        reader.start();
        return socket;
    }

    private void writeConfig(String name, String content) throws IOException {
        GatewayFiles.writeConfig(conf, name, content);
    }

    private void await(BooleanSupplier condition, String what) {
        GatewayProcesses.await(gateway, DEADLINE, console, condition, what);
    }
}
