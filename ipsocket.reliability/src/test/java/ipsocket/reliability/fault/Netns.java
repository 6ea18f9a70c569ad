package ipsocket.reliability.fault;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace with a veth pair that a test class creates for itself and removes
 * afterwards: the namespace {@code ipsock-XXXXXX}, host side {@code ipshXXXXXX} with
 * {@code 10.213.N.1/30}, namespace side {@code ipsnXXXXXX} with {@code 10.213.N.2/30}, N chosen
 * at random among the /30 blocks not in use. The host also gets
 * {@code unreachable 10.213.N.0/30 metric 4242}, so that while the veth is down nothing for the
 * test host can leave through the default route: connects fail at once with "No route to
 * host" instead.
 *
 * <p>Faults are made inside the namespace with nftables (table {@code inet ipsock}) when
 * {@code nft} is installed, otherwise with a blackhole route for the host address in the
 * namespace, which drops every answer of the peer. Needs root and iproute2.
 */
final class Netns implements AutoCloseable {

    private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(15);
    private static final int GUARD_METRIC = 4242;

    final String name;
    final String hostIf;
    final String nsIf;
    final String hostAddress;
    final String nsAddress;
    final String subnet;
    private final boolean nft;
    private final List<Process> peers = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook;
    private boolean blocked;
    private boolean closed;

    private Netns(String suffix, int block) {
        this.name = "ipsock-" + suffix;
        this.hostIf = "ipsh" + suffix;
        this.nsIf = "ipsn" + suffix;
        this.hostAddress = "10.213." + block + ".1";
        this.nsAddress = "10.213." + block + ".2";
        this.subnet = "10.213." + block + ".0/30";
        // -Dfaults.noNft=true tries the iproute2-only fallback where nft is installed.
        this.nft = commandExists("nft") && !Boolean.getBoolean("faults.noNft");
        this.shutdownHook = new Thread(this::teardown, "netns-teardown-" + suffix);
    }

    /**
     * Says why namespaces cannot be used here, or {@code null} when they can: tries to add and
     * delete a namespace.
     *
     * @return the reason, or {@code null}
     */
    static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "network namespaces need Linux";
        }
        if (!commandExists("ip")) {
            return "the ip command (iproute2) is not installed";
        }
        String probe = "ipsock-probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        Result add = run("ip", "netns", "add", probe);
        if (add.exit != 0) {
            return "cannot create a network namespace (needs root or CAP_SYS_ADMIN): " + add.output.strip();
        }
        run("ip", "netns", "del", probe);
        return null;
    }

    /**
     * Creates the namespace, the veth pair, the addresses and the guard route.
     *
     * @return the namespace, to be closed after the tests
     */
    static Netns create() {
        String suffix = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        int block = freeBlock();
        Netns ns = new Netns(suffix, block);
        Runtime.getRuntime().addShutdownHook(ns.shutdownHook);
        try {
            ns.setUp();
        } catch (RuntimeException | AssertionError e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    private static int freeBlock() {
        String addresses = run("ip", "-4", "-o", "addr", "show").output + run("ip", "-4", "route", "show").output;
        for (int tries = 0; tries < 64; tries++) {
            int block = 1 + ThreadLocalRandom.current().nextInt(254);
            if (!addresses.contains("10.213." + block + ".")) {
                return block;
            }
        }
        throw new IllegalStateException("no free 10.213.N.0/30 block found");
    }

    private void setUp() {
        must("ip", "netns", "add", name);
        must("ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf, "netns", name);
        must("ip", "route", "add", "unreachable", subnet, "metric", String.valueOf(GUARD_METRIC));
        must("ip", "addr", "add", hostAddress + "/30", "dev", hostIf);
        must("ip", "link", "set", hostIf, "up");
        must("ip", "-n", name, "addr", "add", nsAddress + "/30", "dev", nsIf);
        must("ip", "-n", name, "link", "set", nsIf, "up");
        must("ip", "-n", name, "link", "set", "lo", "up");
        if (nft) {
            must("ip", "netns", "exec", name, "nft", "add", "table", "inet", "ipsock");
            must("ip", "netns", "exec", name, "nft", "add chain inet ipsock input "
                    + "{ type filter hook input priority 0 ; policy accept ; }");
            must("ip", "netns", "exec", name, "nft", "add chain inet ipsock output "
                    + "{ type filter hook output priority 0 ; policy accept ; }");
        }
    }

    /** @return how faults are made here, for the figures */
    String faultTool() {
        return nft ? "nftables" : "blackhole route (nft not installed)";
    }

    /**
     * Drops every new connection to a port of the namespace (the SYNs).
     *
     * @param port the port
     * @return the command that did it, for the record
     */
    String dropSyns(int port) {
        blocked = true;
        if (nft) {
            String rule = "add rule inet ipsock input ip saddr " + hostAddress + " tcp dport " + port
                    + " tcp flags & (syn|ack) == syn drop";
            must("ip", "netns", "exec", name, "nft", rule);
            return "ip netns exec " + name + " nft '" + rule + "'";
        }
        must("ip", "-n", name, "route", "add", "blackhole", hostAddress + "/32");
        return "ip -n " + name + " route add blackhole " + hostAddress + "/32";
    }

    /**
     * Makes the peer vanish: drops all traffic between host and namespace, both ways, inside
     * the namespace.
     *
     * @return the commands that did it, for the record
     */
    String dropEverything() {
        blocked = true;
        if (nft) {
            String in = "add rule inet ipsock input ip saddr " + hostAddress + " drop";
            String out = "add rule inet ipsock output ip daddr " + hostAddress + " drop";
            must("ip", "netns", "exec", name, "nft", in);
            must("ip", "netns", "exec", name, "nft", out);
            return "ip netns exec " + name + " nft '" + in + "'; ip netns exec " + name + " nft '" + out + "'";
        }
        must("ip", "-n", name, "route", "add", "blackhole", hostAddress + "/32");
        return "ip -n " + name + " route add blackhole " + hostAddress + "/32";
    }

    /** Removes every drop made by {@link #dropSyns} or {@link #dropEverything}. */
    void restoreTraffic() {
        if (!blocked) {
            return;
        }
        if (nft) {
            must("ip", "netns", "exec", name, "nft", "flush", "chain", "inet", "ipsock", "input");
            must("ip", "netns", "exec", name, "nft", "flush", "chain", "inet", "ipsock", "output");
        } else {
            must("ip", "-n", name, "route", "del", "blackhole", hostAddress + "/32");
        }
        blocked = false;
    }

    /**
     * Sets the host side of the veth pair down or up.
     *
     * @param up {@code true} for up
     * @return the command, for the record
     */
    String hostLink(boolean up) {
        must("ip", "link", "set", hostIf, up ? "up" : "down");
        return "ip link set " + hostIf + (up ? " up" : " down");
    }

    /**
     * Starts an {@link NsPeer} JVM inside the namespace, listening on the namespace address,
     * and waits until it listens.
     *
     * @param ports the ports to listen on
     */
    void startPeer(int... ports) {
        List<String> command = new ArrayList<>(List.of(resolve("ip"), "netns", "exec", name,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", testClasses(), NsPeer.class.getName(), nsAddress));
        for (int port : ports) {
            command.add(String.valueOf(port));
        }
        Process peer;
        try {
            peer = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
        peers.add(peer);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the peer is gone
            }
        }, "nspeer-output-" + name);
        pump.setDaemon(true);
        pump.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        StringBuilder seen = new StringBuilder();
        while (true) {
            String line;
            try {
                line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the peer");
            }
            if (line == null) {
                throw new IllegalStateException("peer in " + name + " did not start within 20 s: " + seen);
            }
            if (line.equals("READY")) {
                return;
            }
            seen.append(line).append('\n');
        }
    }

    private static String testClasses() {
        try {
            return new File(NsPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran anyway
        }
    }

    /** Stops the peers and removes everything this namespace added, ignoring what is gone. */
    private void teardown() {
        synchronized (peers) {
            for (Process peer : peers) {
                stopProcess(peer);
            }
            peers.clear();
        }
        // Anything else still running in our namespace was started by this test class.
        for (String pid : run("ip", "netns", "pids", name).output.split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        run("ip", "link", "del", hostIf);
        run("ip", "route", "del", "unreachable", subnet, "metric", String.valueOf(GUARD_METRIC));
        run("ip", "netns", "del", name);
    }

    private static void stopProcess(Process process) {
        try {
            process.getOutputStream().close(); // NsPeer exits when its stdin closes
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    // ---- commands ----

    /** The exit code and the merged output of a command. */
    record Result(int exit, String output) {
    }

    private static void must(String... command) {
        Result result = run(command);
        if (result.exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + result.exit + "): "
                    + result.output.strip());
        }
    }

    /**
     * Runs a command with a deadline; its output goes through a file so that a command that
     * hangs cannot block the reader.
     *
     * @param command the command and its arguments
     * @return the exit code (-1 if it did not finish in time) and the output
     */
    static Result run(String... command) {
        Path output = null;
        try {
            output = Files.createTempFile("ipsock-cmd", ".out");
            String[] resolved = command.clone();
            resolved[0] = resolve(command[0]);
            Process process = new ProcessBuilder(resolved).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(COMMAND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(3, TimeUnit.SECONDS);
                return new Result(-1, String.join(" ", command) + " did not finish within "
                        + COMMAND_DEADLINE.toSeconds() + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    private static boolean commandExists(String command) {
        return !resolve(command).equals(command);
    }

    /** Finds a command on the PATH or in the sbin directories, which a non-login PATH may lack. */
    private static String resolve(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return Path.of(dir, command).toString();
            }
        }
        return command;
    }
}
