package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real gateway through its interactive shell, as an operator types at the console:
 * create a socket, list it, write, read a line, inspect, disconnect, delete, ask for help, and
 * {@code shutdown}, which exits with status 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayShellIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path work;

    private Process gateway;
    private ServerSocket server;
    private Socket peer;
    private final StringBuffer output = new StringBuffer();

    @AfterEach
    void stop() throws Exception {
        GatewayProcesses.stop(gateway); // the script and its JVM: no orphan outlives the test
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shellCommandsDriveASocket() throws Exception {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Path conf = Files.createDirectories(work.resolve("conf"));
        ProcessBuilder builder = new ProcessBuilder("bash", System.getProperty("ipsocket.gateway.script"),
                "--conf", conf.toString(), "--deploy", Files.createDirectories(work.resolve("deploy")).toString());
        builder.redirectErrorStream(true);
        gateway = builder.start();
        collect(gateway.getInputStream());
        Writer console = new java.io.OutputStreamWriter(gateway.getOutputStream(), StandardCharsets.UTF_8);
        awaitCommands(console);

        // a value the metatype refuses: named with the metatype's reason, nothing written
        type(console, "ipsocket:create tcp badport hostname=127.0.0.1 port=70000");
        awaitOutput("port = '70000' is refused: greater than maximum");
        type(console, "ipsocket:create tcp shell1 hostname=127.0.0.1 port=" + server.getLocalPort());
        awaitOutput("configured ipsocket.TcpSocket~shell1");
        server.setSoTimeout((int) DEADLINE.toMillis());
        peer = server.accept();

        awaitOutput("CONNECTED");
        type(console, "ipsocket:list");
        await(() -> output.toString().matches("(?s).*shell1\\s+TCP\\s+Connected\\s+127\\.0\\.0\\.1:"
                + server.getLocalPort() + ".*"), "list shows shell1 Connected");
        assertFalse(output.toString().contains("configured ipsocket.TcpSocket~badport")
                || output.toString().matches("(?s).*\\nbadport\\s+TCP.*"), "the refused configuration was never written:\n" + output);

        type(console, "ipsocket:write shell1 \"hello gateway\\n\"");
        awaitOutput("14 bytes accepted");
        byte[] received = peer.getInputStream().readNBytes(14);
        assertEquals("hello gateway\n", new String(received, StandardCharsets.UTF_8));

        OutputStream toSocket = peer.getOutputStream();
        toSocket.write("a line from the device\r\n".getBytes(StandardCharsets.UTF_8));
        toSocket.flush();
        awaitOutput("READY_READ");
        type(console, "ipsocket:readline shell1");
        awaitOutput("a line from the device");

        type(console, "ipsocket:info shell1");
        awaitOutput("bytesSent            14");

        type(console, "ipsocket:disconnect shell1");
        awaitOutput("disconnecting shell1");
        assertEquals(-1, peer.getInputStream().read(), "the peer sees a graceful close");

        type(console, "ipsocket:delete shell1");
        awaitOutput("deleted ipsocket.TcpSocket~shell1");

        type(console, "help ipsocket:connect");
        awaitOutput("connect a socket to its hostname and port");

        // A configuration file without objectId: the socket is named by its PID, and the
        // shell finds it by the file's NAME too. Its private property (leading dot) is never shown.
        Files.writeString(conf.resolve("ipsocket.UdpSocket-filed.cfg"), "localAddress = 127.0.0.1\nlocalPort = 0\n"
                + ".password = hunter2-shell\n");
        awaitOutput("udp ipsocket.UdpSocket~filed");
        type(console, "ipsocket:info filed");
        awaitOutput("objectId             ipsocket.UdpSocket~filed");

        // A TLS socket from the shell and one from a file: type TLS, its password never shown.
        type(console, "ipsocket:create tls shell2 hostname=127.0.0.1 port=" + server.getLocalPort()
                + " autoConnect=false peerVerifyMode=VerifyNone");
        awaitOutput("configured ipsocket.SslSocket~shell2");
        Files.writeString(conf.resolve("ipsocket.SslSocket-secure.cfg"), "hostname = 127.0.0.1\nport = 1\n"
                + "autoConnect = false\nkeyStore = /nonexistent.p12\n.keyStorePassword = hunter3-tls\n");
        awaitOutput("tls ipsocket.SslSocket~secure");
        type(console, "ipsocket:info secure");
        awaitOutput("type                 TLS");
        awaitOutput("peerVerifyMode       AutoVerifyPeer");
        type(console, "ipsocket:delete shell2");
        awaitOutput("deleted ipsocket.SslSocket~shell2");
        assertFalse(output.toString().contains("hunter3-tls"), "a TLS password is shown:\n" + output);

        type(console, "ipsocket:info nosuchsocket");
        awaitOutput("no socket named 'nosuchsocket'");
        assertFalse(output.toString().contains("hunter2-shell"), "a private property is shown:\n" + output);

        // A server from the shell: listed with its accepted connection under it.
        type(console, "ipsocket:create server gwsrv localPort=0");
        awaitOutput("configured ipsocket.TcpServer~gwsrv");
        Pattern listening = Pattern.compile(
                "gwsrv\\s+SRV\\s+Listening\\s+127\\.0\\.0\\.1:(\\d+)");
        // "configured" comes when the configuration is made; the server's service follows on its own time.
        typeUntil(console, "ipsocket:list", () -> listening.matcher(output).find(), "list showing gwsrv Listening");
        Matcher port = listening.matcher(output);
        assertTrue(port.find());
        try (Socket device = new Socket("127.0.0.1", Integer.parseInt(port.group(1)))) {
            device.setSoTimeout((int) DEADLINE.toMillis());
            String connection = "gwsrv/127.0.0.1:" + device.getLocalPort();
            Pattern accepted = Pattern.compile("srv gwsrv\\s+NEW_CONNECTION\\s+127\\.0\\.0\\.1:"
                    + port.group(1) + "  " + Pattern.quote(connection));
            await(() -> accepted.matcher(output).find(), "the console shows the NEW_CONNECTION event");
            typeUntil(console, "ipsocket:list", () -> output.toString().matches("(?s).*\\n  "
                    + Pattern.quote(connection) + "\\s+TCP\\s+Connected.*"), "list showing the connection under gwsrv");
            type(console, "ipsocket:write " + connection + " \"to the device\\n\"");
            assertEquals("to the device\n", new String(device.getInputStream().readNBytes(14), StandardCharsets.UTF_8));

            // info on a server: state, endpoint, limits, allowed peers, its connections by objectId
            type(console, "ipsocket:info gwsrv");
            awaitOutput("local                127.0.0.1:" + port.group(1));
            awaitOutput("state                Listening");
            awaitOutput("maxConnections       64");
            awaitOutput("maxPendingConnections 30");
            awaitOutput("allowedPeers         (all)");
            awaitOutput("connections          1");
            awaitOutput("  connection         " + connection + " Connected");

            // a second server on the same port: Closed, with the error and its allowedPeers
            type(console, "ipsocket:create server gwsrv2 localPort=" + port.group(1)
                    + " allowedPeers=10.0.0.0/8,fd00::/8 maxConnections=5");
            awaitOutput("configured ipsocket.TcpServer~gwsrv2");
            await(() -> Pattern.compile("srv gwsrv2\\s+ACCEPT_ERROR.*AddressInUseError").matcher(output).find(),
                    "the console shows gwsrv2's ACCEPT_ERROR");
            typeUntil(console, "ipsocket:info gwsrv2", () -> output.indexOf("objectId             gwsrv2") >= 0,
                    "info on gwsrv2");
            awaitOutput("state                Closed");
            awaitOutput("error                AddressInUseError");
            awaitOutput("allowedPeers         10.0.0.0/8,fd00::/8");
            awaitOutput("maxConnections       5");
            awaitOutput("connections          0");
            type(console, "ipsocket:delete gwsrv2");
            awaitOutput("deleted ipsocket.TcpServer~gwsrv2");
        }
        type(console, "ipsocket:delete gwsrv");
        awaitOutput("deleted ipsocket.TcpServer~gwsrv");

        type(console, "shutdown");
        assertTrue(gateway.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the gateway ends after shutdown");
        assertEquals(0, gateway.exitValue(), "exit status; output:\n" + output);
    }

    /** The shell may prompt before SCR has registered the commands: ask until they answer. */
    private void awaitCommands(Writer console) throws IOException {
        typeUntil(console, "ipsocket:list", () -> output.indexOf("(no sockets: create one with ipsocket:create)") >= 0,
                "the ipsocket commands to answer");
    }

    /**
     * Types a command every 500 ms until the output satisfies a condition: for what becomes true
     * after a command answered, such as a configuration's component registering its service.
     */
    private void typeUntil(Writer console, String command, BooleanSupplier condition, String what)
            throws IOException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || !gateway.isAlive()) {
                fail("no " + what + " within " + DEADLINE + "; output:\n" + output);
            }
            type(console, command);
            long retry = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() < retry && !condition.getAsBoolean()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    private static void type(Writer console, String line) throws IOException {
        console.write(line + "\n");
        console.flush();
    }

    private void collect(InputStream stream) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try {
                int count;
                while ((count = stream.read(buffer)) >= 0) {
                    output.append(new String(buffer, 0, count, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                output.append("\n(output closed: ").append(e).append(")\n");
            }
        }, "gateway-shell-it-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitOutput(String text) {
        await(() -> output.indexOf(text) >= 0, "output '" + text + "'");
    }

    private void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!gateway.isAlive()) {
                fail("the gateway ended while waiting for " + what + "; output:\n" + output);
            }
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within " + DEADLINE + "; output:\n" + output);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
