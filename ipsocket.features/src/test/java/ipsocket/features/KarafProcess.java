package ipsocket.features;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A stock Apache Karaf distribution run as a process ({@code bin/karaf server}), in an instance
 * folder of its own (KARAF_BASE: a copy of the distribution's {@code etc/}, a fresh
 * {@code data/}), so every run starts clean and the unpacked distribution is never changed.
 *
 * <p>Nothing listens beyond loopback and no fixed port is used: the SSH console and the JMX RMI
 * ports are free loopback ports picked at start, the shutdown port is Karaf's default (a random
 * port on localhost). The one login is the test's own, with a random password.
 */
final class KarafProcess implements AutoCloseable {
    /** The login the test adds to {@code etc/users.properties} (the stock file has none). */
    static final String USER = "ipsocket";

    private final Path base;
    private final String password;
    private final int sshPort;
    private final Process process;

    private KarafProcess(Path base, String password, int sshPort, Process process) {
        this.base = base;
        this.password = password;
        this.sshPort = sshPort;
        this.process = process;
    }

    /**
     * Prepares an instance folder and starts Karaf in it.
     *
     * @param home the unpacked distribution (KARAF_HOME)
     * @param base the instance folder (KARAF_BASE), deleted and made anew
     * @param mavenRepository a Maven-layout folder Karaf resolves {@code mvn:} URLs from first
     * @return the running Karaf
     * @throws IOException if the folder cannot be prepared or the process not started
     */
    static KarafProcess start(Path home, Path base, Path mavenRepository) throws IOException {
        deleteTree(base);
        Files.createDirectories(base.resolve("data"));
        Files.createDirectories(base.resolve("deploy"));
        Files.createDirectories(base.resolve("instances"));
        copyTree(home.resolve("etc"), base.resolve("etc"));
        Path etc = base.resolve("etc");

        int sshPort = freeLoopbackPort();
        String password = new BigInteger(128, new SecureRandom()).toString(36);
        Files.writeString(etc.resolve("users.properties"),
                USER + " = " + password + ",_g_:admingroup\n"
                        + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n",
                StandardCharsets.ISO_8859_1);
        setProperty(etc.resolve("org.apache.karaf.shell.cfg"), "sshHost", "127.0.0.1");
        setProperty(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", Integer.toString(sshPort));
        // JMX over RMI: loopback (the stock hosts) on free ports instead of 1099 and 44444.
        setProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryHost", "127.0.0.1");
        setProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", Integer.toString(freeLoopbackPort()));
        setProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerHost", "127.0.0.1");
        setProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", Integer.toString(freeLoopbackPort()));
        // The build's repository first, before Karaf's own system folder; the remote
        // repositories stay as shipped (ours and Karaf's system folder hold everything needed).
        Path mvnConfig = etc.resolve("org.ops4j.pax.url.mvn.cfg");
        String stock = readProperty(mvnConfig, "org.ops4j.pax.url.mvn.defaultRepositories");
        setProperty(mvnConfig, "org.ops4j.pax.url.mvn.defaultRepositories",
                mavenRepository.toUri() + "@id=ipsocket.build@snapshots, " + stock);

        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(base.resolve("karaf.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("KARAF_BASE", base.toString());
        // The script runs the JVM with exec: the process the test holds is Karaf's JVM itself,
        // so SIGTERM reaches Karaf's shutdown hook and no JVM can be left behind the script.
        env.put("KARAF_EXEC", "exec");
        env.put("JAVA_MAX_MEM", "256M");
        // Instance bookkeeping inside the instance folder, not in the shared distribution.
        env.put("KARAF_OPTS", "-Dkaraf.instances=" + base.resolve("instances"));
        return new KarafProcess(base, password, sshPort, builder.start());
    }

    /** @return the SSH console's port on 127.0.0.1 */
    int sshPort() {
        return sshPort;
    }

    /** @return the password of {@link #USER} */
    String password() {
        return password;
    }

    /** @return whether the JVM still runs */
    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the process handle of Karaf's JVM */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** @return the end of Karaf's log and console output, for failure messages */
    String diagnostics() {
        return "--- karaf.out\n" + tail(base.resolve("karaf.out")) + "\n--- data/log/karaf.log\n"
                + tail(base.resolve("data/log/karaf.log"));
    }

    /**
     * Stops Karaf with SIGTERM (its shutdown hook stops the framework), waits up to 30 s, then
     * kills the JVM and anything it started. Safe to call more than once.
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
        all.add(process.toHandle());
        process.destroy();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            all.forEach(ProcessHandle::destroyForcibly);
        }
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Karaf process " + handle.pid() + " did not end");
            }
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
        } catch (IOException e) {
            return "(" + file + ": " + e + ")";
        }
    }

    /** A loopback port free right now (Karaf binds it a few seconds later). */
    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The value of {@code key} in a Karaf .cfg file, joined over continuation lines. */
    private static String readProperty(Path file, String key) throws IOException {
        Matcher matcher = propertyPattern(key).matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
        if (!matcher.find()) {
            throw new IllegalStateException(key + " not found in " + file);
        }
        return matcher.group(1).replaceAll("\\\\\\R\\s*", "").trim();
    }

    /** Replaces {@code key}'s value (with its continuation lines) in a .cfg file, or appends the key. */
    private static void setProperty(Path file, String key, String value) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        Matcher matcher = propertyPattern(key).matcher(text);
        String line = key + " = " + value;
        text = matcher.find() ? text.substring(0, matcher.start()) + line + text.substring(matcher.end())
                : text + "\n" + line + "\n";
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
    }

    private static Pattern propertyPattern(String key) {
        // The key at the start of a line, then the value up to the first line not ended by '\'.
        return Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=\\s*((?:[^\\n]*\\\\\\R)*[^\\n]*)$");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
