package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real gateway, as a user does ({@code ./gateway --no-shell --conf --deploy --events}),
 * from the exported jar in its own JVM: configuration files dropped, changed and deleted drive
 * a socket against a loopback peer, the events file records it, a bundle dropped in the deploy
 * folder starts, and SIGTERM closes the socket gracefully (every accepted byte arrives) and
 * ends the process with status 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayProcessIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** The periodic writer's text: a line of 1000 characters, so torn writes would show. */
    private static final String LINE = "x".repeat(999) + "\n";

    @TempDir
    Path work;

    private Path conf;
    private Path deploy;
    private Path events;
    private Path log;
    private Process gateway;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void directories() throws IOException {
        conf = Files.createDirectories(work.resolve("conf"));
        deploy = Files.createDirectories(work.resolve("deploy"));
        events = work.resolve("events.jsonl");
        log = work.resolve("gateway.log");
    }

    @AfterEach
    void stop() throws Exception {
        GatewayProcesses.stop(gateway, closeables); // the script and its JVM: no orphan outlives the test
    }

    @Test
    void configurationFilesDriveSocketsAndSigtermClosesGracefully() throws Exception {
        Peer first = peer();
        Peer second = peer();
        Path marker = work.resolve("marker.txt");
        start(marker);

        // Drop: the socket is created and connects.
        writeConfig("ipsocket.TcpSocket-it.cfg", "objectId = it\nhostname = 127.0.0.1\nport = " + first.port() + "\n");
        Socket firstConnection = first.accepted.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        awaitEvent("ipsocket/TcpSocket/CONNECTED", "it");
        assertEquals(1, countEvents("ipsocket/TcpSocket/CONNECTED", "it"));

        // Change: a new port reconnects to the second peer; the first sees a graceful close.
        writeConfig("ipsocket.TcpSocket-it.cfg", "objectId = it\nhostname = 127.0.0.1\nport = " + second.port() + "\n");
        Socket secondConnection = second.accepted.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(-1, firstConnection.getInputStream().read(), "the old connection is closed with FIN");
        await(() -> countEvents("ipsocket/TcpSocket/CONNECTED", "it") == 2, "a second CONNECTED event");

        // Write through the gateway: a periodic writer sends 1000-byte lines to the socket.
        writeConfig("ipsocket.PeriodicWriter-it.cfg", "objectId = it\nkind = TcpSocket\ntext = " + LINE.trim()
                + "\\n\nintervalMillis = 100\n");
        CompletableFuture<byte[]> received = readUntilEof(secondConnection);
        await(() -> countEvents("ipsocket/TcpSocket/WRITE", "it") >= 3, "three WRITE events");

        // Hot deployment: a bundle dropped into the deploy folder is installed and started.
        GatewayFiles.writeMarkerBundle(deploy.resolve("marker.jar"));
        await(() -> Files.exists(marker), "the hot-deployed bundle to start");

        // SIGTERM: graceful close of every socket, every accepted byte delivered, status 0.
        gateway.toHandle().descendants().forEach(ProcessHandle::destroy); // the JVM gets SIGTERM
        gateway.destroy(); // and the script too, as a service manager would
        assertTrue(gateway.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the gateway ends after SIGTERM");
        assertEquals(0, gateway.exitValue(), "exit status; log:\n" + Files.readString(log));
        byte[] bytes = received.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertTrue(bytes.length >= 3 * LINE.length(), "received " + bytes.length + " bytes");
        assertEquals(0, bytes.length % LINE.length(), "only whole lines arrive: " + bytes.length + " bytes");
        assertEquals(LINE.repeat(bytes.length / LINE.length()), new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void deletingTheConfigurationClosesTheSocket() throws Exception {
        Peer peer = peer();
        start(work.resolve("unused-marker"));
        Path config = writeConfig("ipsocket.TcpSocket-gone.cfg",
                "objectId = gone\nhostname = 127.0.0.1\nport = " + peer.port() + "\n");
        Socket connection = peer.accepted.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        awaitEvent("ipsocket/TcpSocket/CONNECTED", "gone");
        Files.delete(config);
        awaitEvent("ipsocket/TcpSocket/DISCONNECTED", "gone");
        connection.setSoTimeout((int) DEADLINE.toMillis());
        assertEquals(-1, connection.getInputStream().read(), "the peer sees the close");
    }

    /**
     * Issue 14, where the operator looks (the events file): a misspelled key is reported naming
     * the key, the file and the key meant, and the socket still connects; a second file with the
     * same objectId is refused naming both files' configurations and does not connect.
     */
    @Test
    void operatorMistakesAreReportedInTheEventsFile() throws Exception {
        Peer peer = peer();
        start(work.resolve("unused-marker"));
        writeConfig("ipsocket.TcpSocket-typo.cfg",
                "objectId = typo\nhostname = 127.0.0.1\nport = " + peer.port() + "\nhostnmae = plc1\n");
        peer.accepted.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        awaitEvent("ipsocket/TcpSocket/CONNECTED", "typo");
        await(() -> errorStrings("typo").stream().anyMatch(text -> text.contains("'hostnmae'")
                && text.contains("ipsocket.TcpSocket-typo.cfg") && text.contains("did you mean hostname?")),
                "an error naming the unknown key and its file");

        writeConfig("ipsocket.TcpSocket-twin.cfg", "objectId = typo\nhostname = 127.0.0.1\nport = " + peer.port() + "\n");
        await(() -> errorStrings("typo").stream().anyMatch(text -> text.contains("already used")
                && text.contains("ipsocket.TcpSocket-twin.cfg") && text.contains("TcpSocket~typo")),
                "an error naming both configurations");
        assertEquals(1, countEvents("ipsocket/TcpSocket/CONNECTED", "typo"), "the second does not connect");
    }

    private List<String> errorStrings(String objectId) {
        return eventsOf("ipsocket/TcpSocket/ERROR_OCCURRED", objectId).stream()
                .map(event -> event.get("errorString").getAsString()).toList();
    }

    private void start(Path marker) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", System.getProperty("ipsocket.gateway.script"),
                "--no-shell", "--conf", conf.toString(), "--deploy", deploy.toString(), "--events", events.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx128m -Dipsocket.test.marker=" + marker);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        gateway = builder.start();
    }

    private Path writeConfig(String name, String content) throws IOException {
        return GatewayFiles.writeConfig(conf, name, content);
    }

    private void awaitEvent(String topic, String objectId) {
        await(() -> countEvents(topic, objectId) > 0, topic + " for " + objectId);
    }

    private long countEvents(String topic, String objectId) {
        return eventsOf(topic, objectId).size();
    }

    private List<JsonObject> eventsOf(String topic, String objectId) {
        if (!Files.exists(events)) {
            return List.of();
        }
        try {
            return Files.readAllLines(events).stream().filter(line -> !line.isBlank()).map(line -> {
                JsonObject event = JsonParser.parseString(line).getAsJsonObject();
                assertTrue(event.has("topic"), "every line has a topic: " + line);
                return event;
            }).filter(event -> event.get("topic").getAsString().equals(topic)
                    && event.has("objectId") && event.get("objectId").getAsString().equals(objectId)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void await(BooleanSupplier condition, String what) {
        GatewayProcesses.await(gateway, DEADLINE, log, condition, what);
    }

    private String readLog() {
        return GatewayProcesses.read(log);
    }

    /** A loopback server accepting one connection on its own thread. */
    private final class Peer {
        final ServerSocket server;
        final CompletableFuture<Socket> accepted = new CompletableFuture<>();

        Peer() throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            closeables.add(server);
            Thread acceptor = new Thread(() -> {
                try {
                    Socket socket = server.accept();
                    closeables.add(socket);
                    accepted.complete(socket);
                } catch (IOException e) {
                    accepted.completeExceptionally(e);
                }
            }, "gateway-it-peer-" + server.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }
    }

    private Peer peer() throws IOException {
        return new Peer();
    }

    private static CompletableFuture<byte[]> readUntilEof(Socket socket) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (InputStream in = socket.getInputStream()) {
                int count;
                while ((count = in.read(buffer)) >= 0) {
                    all.write(buffer, 0, count);
                }
                result.complete(all.toByteArray());
            } catch (SocketException e) {
                result.completeExceptionally(new AssertionError("the connection was reset, not closed: " + e, e));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "gateway-it-reader");
        reader.setDaemon(true);
        reader.start();
        return result;
    }
}
