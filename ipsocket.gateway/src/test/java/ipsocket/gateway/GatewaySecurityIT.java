package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security promises of issue 8 checked on what ships (docs/SECURITY.md):
 * <ul>
 * <li><b>Nothing listens unless configured.</b> The real gateway ({@code ./gateway --no-shell
 * --conf EMPTY --deploy DIR}, and with the console shell) runs with an empty configuration
 * directory: its JVM owns no listening TCP socket, no bound UDP socket and no listening Unix
 * socket, read from {@code /proc/<pid>/net/{tcp,tcp6,udp,udp6,unix}} matched against the socket
 * inodes of {@code /proc/<pid>/fd}. As a control that the check sees sockets at all, a UDP
 * socket configured to bind is then found bound, and a configured TCP socket is found as a
 * connection, not as a listener.</li>
 * <li><b>No deserialization of untrusted data.</b> The class files of the ipsocket bundles
 * inside the exported gateway.jar are scanned (constant pool): ipsocket's own classes never
 * mention {@code java.io.ObjectInputStream}, {@code ObjectInput} or {@code java.beans.XMLDecoder},
 * and never use Gson's reflective binding ({@code Gson}, {@code GsonBuilder}): only its tree
 * model, which parses JSON text into strings, numbers and booleans. The Gson classes embedded
 * privately (impl, events) never construct an ObjectInputStream nor call its reading methods;
 * they mention it only in the {@code readObject} methods that refuse Java deserialization and
 * in {@code UnsafeAllocator}'s reflective look-up for old Android, reachable only through the
 * reflective binding ipsocket does not use.</li>
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewaySecurityIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** How long the socket tables are watched once the gateway is up. */
    private static final Duration WATCH = Duration.ofSeconds(2);
    private static final String LISTEN = "0A";
    private static final Set<String> FORBIDDEN = Set.of("java/io/ObjectInputStream", "java/io/ObjectInput",
            "java/beans/XMLDecoder");
    /** What would read objects from a stream: constructing one, or its reading methods. */
    private static final Set<String> READING = Set.of("<init>", "readObject", "readUnshared", "defaultReadObject",
            "readFields");
    /** Gson's reflective data binding (which could reach UnsafeAllocator); the tree model is fine. */
    private static final Set<String> REFLECTIVE_JSON = Set.of("com/google/gson/Gson", "com/google/gson/GsonBuilder");

    @TempDir
    Path work;

    private Path conf;
    private Path deploy;
    private Path log;
    private Process gateway;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void directories() throws IOException {
        conf = Files.createDirectories(work.resolve("conf"));
        deploy = Files.createDirectories(work.resolve("deploy"));
        log = work.resolve("gateway.log");
    }

    @AfterEach
    void stop() throws Exception {
        GatewayProcesses.stop(gateway, closeables); // the script and its JVM: no orphan outlives the test
    }

    // ---- nothing listens ------------------------------------------------------------------

    @Test
    void headlessGatewayWithEmptyConfigurationListensNowhere() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/net")), "no /proc here");
        long pid = startGateway(false);
        Sockets sockets = watchForListeners(pid);
        System.out.printf("FIGURES no-listen headless pid=%d socketInodes=%d tcp=%s udp=%s unixListening=%d%n", pid,
                sockets.inodes.size(), sockets.tcpStates, sockets.udpBound, sockets.unixListening);

        // Control: the same check finds what configuration asks for.
        int udpPort;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udpPort = probe.getLocalPort();
        }
        ServerSocket peer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        closeables.add(peer);
        writeConfig("ipsocket.UdpSocket-bound.cfg", "objectId = bound\nlocalAddress = 127.0.0.1\nlocalPort = "
                + udpPort + "\n");
        writeConfig("ipsocket.TcpSocket-client.cfg", "objectId = client\nhostname = 127.0.0.1\nport = "
                + peer.getLocalPort() + "\n");
        closeables.add(peer.accept());
        await(() -> sockets(pid).udpBound.contains(udpPort), "the configured UDP socket bound on port " + udpPort);
        Sockets configured = sockets(pid);
        assertTrue(configured.tcpStates.containsKey("01"), "the configured TCP socket is an established"
                + " connection: " + configured.tcpStates);
        assertFalse(configured.tcpStates.containsKey(LISTEN), "a TCP client socket does not listen: "
                + configured.tcpStates);
        System.out.printf("FIGURES no-listen control: configured UDP bound=%s tcp=%s%n", configured.udpBound,
                configured.tcpStates);
    }

    @Test
    void gatewayWithConsoleShellListensNowhere() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/net")), "no /proc here");
        long pid = startGateway(true);
        Sockets sockets = watchForListeners(pid);
        System.out.printf("FIGURES no-listen shell pid=%d socketInodes=%d tcp=%s udp=%s unixListening=%d%n", pid,
                sockets.inodes.size(), sockets.tcpStates, sockets.udpBound, sockets.unixListening);
    }

    /** Checks the JVM's sockets again and again for a while: nothing may listen or be bound. */
    private Sockets watchForListeners(long pid) throws IOException {
        long end = System.nanoTime() + WATCH.toNanos();
        Sockets sockets;
        do {
            sockets = sockets(pid);
            assertFalse(sockets.tcpStates.containsKey(LISTEN), "the gateway listens on TCP: " + sockets);
            assertTrue(sockets.udpBound.isEmpty(), "the gateway has bound UDP sockets: " + sockets);
            assertEquals(0, sockets.unixListening, "the gateway listens on Unix sockets: " + sockets);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        } while (System.nanoTime() < end);
        return sockets;
    }

    /** The sockets a process owns, by kind. */
    private static final class Sockets {
        final Set<String> inodes = new HashSet<>();
        /** TCP state (hex, as in /proc: 01 established, 0A listen) to count. */
        final TreeMap<String, Integer> tcpStates = new TreeMap<>();
        /** Local ports of bound UDP sockets. */
        final Set<Integer> udpBound = new HashSet<>();
        int unixListening;

        @Override
        public String toString() {
            return "inodes=" + inodes.size() + " tcp=" + tcpStates + " udp=" + udpBound + " unixListening="
                    + unixListening;
        }
    }

    private static Sockets sockets(long pid) {
        Sockets sockets = new Sockets();
        Path fds = Path.of("/proc/" + pid + "/fd");
        try (Stream<Path> entries = Files.list(fds)) {
            entries.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while listing
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + fds + " (is the gateway still running?)", e);
        }
        for (String table : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
            for (String[] row : rows(pid, table)) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                if (row.length < 10 || !sockets.inodes.contains(row[9])) {
                    continue;
                }
                if (table.startsWith("tcp")) {
                    sockets.tcpStates.merge(row[3], 1, Integer::sum);
                } else {
                    String local = row[1];
                    sockets.udpBound.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        for (String[] row : rows(pid, "unix")) {
            // Num RefCount Protocol Flags Type St Inode Path; Flags 00010000 = __SO_ACCEPTCON (listening)
            if (row.length >= 7 && sockets.inodes.contains(row[6]) && (Integer.parseInt(row[3], 16) & 0x10000) != 0) {
                sockets.unixListening++;
            }
        }
        return sockets;
    }

    private static List<String[]> rows(long pid, String table) {
        Path path = Path.of("/proc/" + pid + "/net/" + table);
        List<String[]> rows = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                rows.add(line.trim().split("\\s+"));
            }
        } catch (IOException missing) {
            // no IPv6 table when IPv6 is off
        }
        return rows;
    }

    private long startGateway(boolean shell) throws Exception {
        Path marker = work.resolve("marker.txt");
        GatewayFiles.writeMarkerBundle(deploy.resolve("marker.jar"));
        List<String> command = new ArrayList<>(List.of("bash", System.getProperty("ipsocket.gateway.script")));
        if (!shell) {
            command.add("--no-shell");
        }
        command.addAll(List.of("--conf", conf.toString(), "--deploy", deploy.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_OPTS", "-Xmx128m -Dipsocket.test.marker=" + marker);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        if (!shell) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        gateway = builder.start(); // with the shell, standard input stays an open pipe: the console
        // The marker bundle, dropped in the deploy folder, starts once the framework and
        // FileInstall run: from then on the gateway is up.
        await(() -> Files.exists(marker), "the gateway to start (the hot-deployed marker bundle)");
        ProcessHandle jvm = gateway.toHandle().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false)).findFirst().orElse(null);
        assertNotNull(jvm, "the gateway's JVM among " + gateway.toHandle().descendants().map(ProcessHandle::pid)
                .toList());
        return jvm.pid();
    }

    private void writeConfig(String name, String content) throws IOException {
        GatewayFiles.writeConfig(conf, name, content);
    }

    private void await(BooleanSupplier condition, String what) {
        GatewayProcesses.await(gateway, DEADLINE, log, condition, what);
    }

    private String readLog() {
        return GatewayProcesses.read(log);
    }

    // ---- no deserialization ---------------------------------------------------------------

    @Test
    void shippedBundlesNeverDeserialize() throws Exception {
        Path gatewayJar = Path.of(System.getProperty("ipsocket.gateway.jar"));
        assertTrue(Files.isRegularFile(gatewayJar), "no " + gatewayJar + ": build with ./mvnw verify");
        List<String> problems = new ArrayList<>();
        TreeMap<String, Integer> classes = new TreeMap<>();
        List<String> mentions = new ArrayList<>();
        try (JarFile outer = new JarFile(gatewayJar.toFile())) {
            for (String bundle : new String[] {"ipsocket.api", "ipsocket.impl", "ipsocket.events", "ipsocket.shell"}) {
                JarEntry entry = outer.stream().filter(e -> e.getName().startsWith("jar/" + bundle + "-")
                        && e.getName().endsWith(".jar")).findFirst().orElse(null);
                assertNotNull(entry, bundle + " is not in " + gatewayJar);
                try (JarInputStream jar = new JarInputStream(outer.getInputStream(entry))) {
                    for (JarEntry file; (file = jar.getNextJarEntry()) != null;) {
                        if (!file.getName().endsWith(".class")) {
                            continue;
                        }
                        classes.merge(bundle, 1, Integer::sum);
                        ConstantPool pool = ConstantPool.read(jar.readAllBytes());
                        String where = bundle + " " + file.getName();
                        if (file.getName().startsWith("ipsocket/")) {
                            for (String forbidden : FORBIDDEN) {
                                if (pool.mentions(forbidden)) {
                                    problems.add(where + " mentions " + forbidden);
                                }
                            }
                            for (String binding : REFLECTIVE_JSON) {
                                if (pool.classes.contains(binding)) {
                                    problems.add(where + " uses " + binding + " (reflective JSON binding)");
                                }
                            }
                            continue;
                        }
                        for (String call : pool.methodCalls) {
                            String owner = call.substring(0, call.indexOf('.'));
                            String method = call.substring(call.indexOf('.') + 1);
                            if (FORBIDDEN.contains(owner) && READING.contains(method)) {
                                problems.add(where + " calls " + call);
                            }
                        }
                        if (FORBIDDEN.stream().anyMatch(pool::mentions)) {
                            mentions.add(where + (FORBIDDEN.stream().anyMatch(pool.classes::contains)
                                    ? " (class constant)" : " (descriptor)"));
                        }
                    }
                }
            }
        }
        System.out.printf("FIGURES no-deserialization classes=%s problems=%d embeddedGsonMentions=%s%n", classes,
                problems.size(), mentions);
        assertTrue(classes.getOrDefault("ipsocket.impl", 0) > 20, "classes scanned: " + classes);
        // Control: the scan does see a class that deserializes.
        String control = Deserializer.class.getName().replace('.', '/') + ".class";
        try (InputStream in = Deserializer.class.getClassLoader().getResourceAsStream(control)) {
            ConstantPool pool = ConstantPool.read(in.readAllBytes());
            assertTrue(pool.methodCalls.contains("java/io/ObjectInputStream.<init>")
                    && pool.methodCalls.contains("java/io/ObjectInputStream.readObject"), "control: " + pool.methodCalls);
        }
        assertTrue(problems.isEmpty(), "deserialization in the shipped bundles:\n  " + String.join("\n  ", problems));
    }

    /** What the scan must flag: a class that reads objects from a stream. */
    static final class Deserializer {
        Object read(InputStream in) throws IOException, ClassNotFoundException {
            return new java.io.ObjectInputStream(in).readObject();
        }
    }

    /** The constant pool of a class file: its class references and its UTF-8 texts. */
    static final class ConstantPool {
        final Set<String> classes = new HashSet<>();
        final List<String> texts = new ArrayList<>();
        /** Field and method references, as {@code owner.name}. */
        final Set<String> methodCalls = new HashSet<>();

        boolean mentions(String internalName) {
            return texts.stream().anyMatch(text -> text.contains(internalName));
        }

        static ConstantPool read(byte[] classFile) throws IOException {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(classFile));
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file");
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classNameIndex = new int[count];
            int[] refClass = new int[count];
            int[] refNameAndType = new int[count];
            int[] nameIndex = new int[count];
            for (int index = 1; index < count; index++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1: utf8[index] = in.readUTF(); break;
                    case 3: case 4: in.skipNBytes(4); break;
                    case 5: case 6: in.skipNBytes(8); index++; break; // takes two slots
                    case 7: classNameIndex[index] = in.readUnsignedShort(); break;
                    case 8: case 16: case 19: case 20: in.skipNBytes(2); break;
                    case 9: case 10: case 11:
                        refClass[index] = in.readUnsignedShort();
                        refNameAndType[index] = in.readUnsignedShort();
                        break;
                    case 12:
                        nameIndex[index] = in.readUnsignedShort();
                        in.skipNBytes(2);
                        break;
                    case 17: case 18: in.skipNBytes(4); break;
                    case 15: in.skipNBytes(3); break;
                    default: throw new IOException("unknown constant pool tag " + tag + " at " + index);
                }
            }
            ConstantPool pool = new ConstantPool();
            for (String text : utf8) {
                if (text != null) {
                    pool.texts.add(text);
                }
            }
            for (int index = 1; index < count; index++) {
                if (classNameIndex[index] != 0) {
                    // array classes name their element type in descriptor form: [Ljava/io/X;
                    pool.classes.add(utf8[classNameIndex[index]].replaceAll("^\\[+L(.*);$", "$1"));
                }
            }
            for (int index = 1; index < count; index++) {
                if (refClass[index] != 0) {
                    String owner = utf8[classNameIndex[refClass[index]]];
                    String name = utf8[nameIndex[refNameAndType[index]]];
                    pool.methodCalls.add(owner + "." + name);
                }
            }
            return pool;
        }
    }
}
