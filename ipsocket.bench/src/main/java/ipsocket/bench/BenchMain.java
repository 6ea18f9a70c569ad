package ipsocket.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import ipsocket.bench.client.Client;
import ipsocket.bench.client.NioClient;
import ipsocket.bench.events.EventsBench;
import ipsocket.bench.events.EventsChild;
import ipsocket.bench.peer.Peer;
import ipsocket.bench.server.EchoServers;

/**
 * Runs the benchmarks: every mode, every implementation, warm-up first, runs interleaved
 * between implementations, medians, one RESULT line per implementation and mode, a table of
 * ratios against raw NIO and a JSON file.
 */
public final class BenchMain {
    static final String USAGE = String.join("\n",
            "usage: java -jar ipsocket-bench.jar [MODE...] [options]",
            "       java -jar ipsocket-bench.jar peer MODE [--port P] [--peer-secs S]",
            "       java -jar ipsocket-bench.jar jmh [JMH options]",
            "modes: " + Options.ALL_MODES + " (default: all)",
            "options: --quick --json FILE --impls nio,ipsocket,netty,netty-epoll --port P (external peer)",
            "         --secs S --mib M --chunk B --msg B --dgram B --lines N --conns N --runs R",
            "         --warmup S --io-threads T --in-process (conn-scale, server-scale, events) --no-jmh --verbose");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int code;
        try {
            code = run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command; returns the exit code (1 if any result is an error). */
    public static int run(String[] args, PrintStream out) throws Exception {
        if (args.length > 0 && args[0].equals("peer")) {
            return runPeer(Options.rest(args, 1), out);
        }
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Options.rest(args, 1));
            return 0;
        }
        if (args.length > 0 && args[0].equals("events-child")) {
            EventsChild.child(Options.rest(args, 1));
            return 0;
        }
        if (args.length > 0 && args[0].equals("conn-scale-child")) {
            ConnScale.child(Options.rest(args, 1));
            return 0;
        }
        if (args.length > 0 && args[0].equals("server-child")) {
            ServerProcess.child(Options.rest(args, 1));
            return 0;
        }
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        Options o = Options.parse(args);
        String started = OffsetDateTime.now(ZoneOffset.UTC).toString();
        out.println("ipsocket.bench " + started + ": " + o);
        out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + Sys.cpuModel() + "), "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", load average " + String.format(java.util.Locale.ROOT, "%.2f", Sys.loadAverage()));
        List<String> notes = new ArrayList<>();
        List<Result> results = runModes(o, out, notes);
        if (!o.quick && o.jmh && o.port == 0) {
            results.addAll(Jmh.run(out, notes));
        } else if (o.jmh && o.port == 0) {
            notes.add("JMH micro-benchmarks are skipped in --quick mode (run: java -jar ipsocket-bench.jar jmh)");
        }
        Report report = new Report(o, results, notes, started);
        report.printTable(out);
        report.printEventsTable(out);
        report.printTargets(out);
        Path json = o.json != null ? Path.of(o.json) : defaultJson();
        report.writeJson(json);
        out.println("JSON: " + json.toAbsolutePath());
        return results.stream().anyMatch(r -> r.error != null && r.note == null) ? 1 : 0;
    }

    /** Next to the jar (ipsocket.bench/target/), so a run from the repository root leaves no file. */
    private static Path defaultJson() {
        try {
            Path code = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (code.toString().endsWith(".jar") && code.getParent() != null) {
                return code.getParent().resolve("ipsocket-bench.json");
            }
        } catch (Exception e) {
            // fall through
        }
        return Path.of("ipsocket-bench.json");
    }

    private static int runPeer(String[] args, PrintStream out) throws Exception {
        if (args.length == 0 || !Options.ALL_MODES.contains(args[0]) || args[0].equals("events")) {
            throw new IllegalArgumentException("peer needs a mode: " + Options.ALL_MODES
                    + " (events has no standalone peer: it runs its own in the framework's JVM)\n" + USAGE);
        }
        Options o = Options.parse(Options.rest(args, 1));
        try (Peer peer = Peer.forMode(args[0], o.port)) {
            out.println("PEER mode=" + args[0] + " host=" + peer.address().getAddress().getHostAddress()
                    + " port=" + peer.address().getPort() + " secs=" + Result.format(o.peerSecs));
            out.flush();
            Thread.sleep((long) (o.peerSecs * 1000));
        }
        return 0;
    }

    /** Runs every selected mode and returns one result per implementation and mode. */
    public static List<Result> runModes(Options o, PrintStream out, List<String> notes) throws Exception {
        List<Result> all = new ArrayList<>();
        for (String mode : o.modes) {
            out.println();
            out.println("== " + mode + " ==");
            out.flush();
            List<Result> modeResults = mode.equals("conn-scale") ? runConnScale(o, out)
                    : mode.equals("server-scale") ? runServerScale(o, out)
                    : mode.equals("events") ? List.of(EventsBench.run(o, out, notes))
                    : mode.startsWith("server-") ? runServerMode(mode, o, out) : runMode(mode, o, out);
            for (Result r : modeResults) {
                out.println(r.line());
            }
            out.flush();
            all.addAll(modeResults);
        }
        return all;
    }

    private static List<Result> runMode(String mode, Options o, PrintStream out) throws Exception {
        Map<String, Result> results = new LinkedHashMap<>();
        Map<String, Client> clients = new LinkedHashMap<>();
        Peer peer = o.port == 0 ? Peer.forMode(mode, 0) : null;
        InetSocketAddress addr = peer != null ? peer.address() : Peer.loopback(o.port);
        try {
            for (String impl : o.impls) {
                Result r = new Result(impl, mode);
                results.put(impl, r);
                String why = Clients.unavailable(impl);
                if (why != null) {
                    r.error = why;
                    r.note = why;
                    continue;
                }
                try {
                    clients.put(impl, Clients.open(impl, o.ioThreads()));
                } catch (RuntimeException | LinkageError e) {
                    r.error = "cannot start: " + e;
                }
            }
            Map<String, Runner> runners = new LinkedHashMap<>();
            clients.forEach((impl, client) -> runners.put(impl, warm -> once(mode, client, addr, o, warm)));
            warmUpAndRun(mode, o, out, results, runners);
        } finally {
            for (Client c : clients.values()) {
                c.close();
            }
            if (peer != null) {
                peer.close();
            }
        }
        return new ArrayList<>(results.values());
    }

    /** One run of one implementation in a mode. */
    private interface Runner {
        Map<String, Double> run(boolean warm) throws Exception;
    }

    /**
     * Warms every implementation up for the warm-up time, then runs them interleaved, run by run;
     * an implementation that fails keeps its error and is not run again.
     */
    private static void warmUpAndRun(String mode, Options o, PrintStream out, Map<String, Result> results,
            Map<String, Runner> runners) {
        for (Map.Entry<String, Runner> e : runners.entrySet()) {
            long end = System.nanoTime() + (long) (o.warmupSecs() * 1e9);
            try {
                do {
                    e.getValue().run(true);
                } while (System.nanoTime() - end < 0);
            } catch (Exception ex) {
                results.get(e.getKey()).error = "warm-up failed: " + ex;
            }
        }
        for (int run = 1; run <= o.runs(); run++) {
            for (Map.Entry<String, Runner> e : runners.entrySet()) {
                Result r = results.get(e.getKey());
                if (r.error != null) {
                    continue;
                }
                try {
                    Map<String, Double> v = e.getValue().run(false);
                    r.addRun(v);
                    if (o.verbose) {
                        out.println("RUN " + run + " impl=" + r.impl + " mode=" + mode + " " + v);
                    }
                } catch (Exception ex) {
                    r.error = "run " + run + " failed: " + ex;
                }
            }
        }
    }

    /** One run of a mode; a warm-up run is shorter. */
    static Map<String, Double> once(String mode, Client c, InetSocketAddress addr, Options o, boolean warm)
            throws Exception {
        return once(mode, c, addr, o, warm, Sys::processCpuNanos);
    }

    /** The CPU time that a run's CPU figures count: this process's, and a server's of its own. */
    interface CpuClock {
        long nanos() throws Exception;
    }

    /** One run of a mode whose CPU figures count the given clock's time. */
    static Map<String, Double> once(String mode, Client c, InetSocketAddress addr, Options o, boolean warm,
            CpuClock cpu) throws Exception {
        Map<String, Double> v = new LinkedHashMap<>();
        long cpu0 = cpu.nanos();
        switch (mode) {
            case "tcp-throughput":
            case "server-throughput": {
                long bytes = warm ? Math.min(o.bytes(), 128L << 20) : o.bytes();
                Deadline d = Deadline.in(30_000 + bytes / 10_000, mode + " of " + bytes + " bytes");
                long nanos = mode.equals("tcp-throughput") ? c.tcpThroughput(addr, bytes, o.chunk(), d)
                        : ((NioClient) c).echoThroughput(addr, bytes, o.chunk(), d); // runServerMode's raw NIO client
                v.put("MBps", bytes / 1e6 / (nanos / 1e9));
                v.put("secs", nanos / 1e9);
                cpuPer("cpu_ns_per_kib", bytes / 1024.0, cpu, cpu0, v);
                break;
            }
            case "tls-throughput": {
                long bytes = warm ? Math.min(o.bytes(), 128L << 20) : o.bytes();
                long nanos = c.tlsThroughput(addr, bytes, o.chunk(),
                        Deadline.in(30_000 + bytes / 10_000, "tls-throughput of " + bytes + " bytes"));
                v.put("MBps", bytes / 1e6 / (nanos / 1e9));
                v.put("secs", nanos / 1e9);
                break;
            }
            case "tls-handshakes": {
                long nanos = (long) ((warm ? Math.min(o.secs(), 0.5) : o.secs()) * 1e9);
                Deadline deadline = Deadline.in(60_000 + nanos / 500_000, "tls-handshakes");
                Client.Handshakes full = c.tlsHandshakes(addr, nanos, false, deadline);
                Client.Handshakes resumed = c.tlsHandshakes(addr, nanos, true, deadline);
                v.put("full_per_s", full.count / (full.elapsedNanos / 1e9));
                v.put("resumed_per_s", resumed.count / (resumed.elapsedNanos / 1e9));
                break;
            }
            case "tcp-pingpong":
            case "server-echo":
                pingPong(mode, c, addr, o, warm, v);
                cpuPer("cpu_ns_per_rt", v.get("round_trips"), cpu, cpu0, v);
                break;
            case "server-accept": {
                int n = warm ? Math.min(o.conns(), 200) : o.conns();
                Deadline d = Deadline.in(60_000 + 10L * n, "server-accept of " + n + " connections");
                try (Client.Connections connections = c.connect(addr, n, d)) {
                    long nanos = connections.connectNanos() + connections.echoAll(d);
                    v.put("accepts_per_s", n / (nanos / 1e9));
                    v.put("conns", (double) n);
                }
                break;
            }
            case "tcp-lines": {
                long lines = warm ? Math.min(o.lines(), 200_000) : o.lines();
                Client.LineRun r = c.tcpLines(addr, lines, Deadline.in(30_000 + lines / 20, "tcp-lines"));
                if (r.lines != lines) {
                    throw new IllegalStateException("read " + r.lines + " lines, expected " + lines);
                }
                long expected = LINES.charsOf(lines);
                if (o.port == 0 && r.chars != expected) {
                    throw new IllegalStateException("read " + r.chars + " characters, expected " + expected);
                }
                v.put("lines_per_s", lines / (r.elapsedNanos / 1e9));
                v.put("secs", r.elapsedNanos / 1e9);
                cpuPer("cpu_ns_per_line", lines, cpu, cpu0, v);
                break;
            }
            case "udp": {
                long nanos = (long) ((warm ? Math.min(o.secs(), 0.5) : o.secs()) * 1e9);
                long runId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
                Client.UdpRun u = c.udp(addr, o.dgram(), nanos, runId, Deadline.in(nanos / 1_000_000 + 30_000, "udp"));
                if (u.sent == 0 || u.received == 0) {
                    throw new IllegalStateException("udp: sent " + u.sent + ", received " + u.received);
                }
                v.put("recv_pps", u.receiveSpanNanos > 0 ? u.received / (u.receiveSpanNanos / 1e9) : Double.NaN);
                v.put("sent_pps", u.sent / (u.sendNanos / 1e9));
                v.put("loss_pct", Math.max(0, u.sent - u.received) * 100.0 / u.sent);
                v.put("sent", (double) u.sent);
                v.put("received", (double) u.received);
                break;
            }
            case "udp-recv": {
                long nanos = (long) ((warm ? Math.min(o.secs(), 0.5) : o.secs()) * 1e9);
                long runId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
                Client.UdpRun u = c.udpRecv(addr, o.dgram(), nanos, runId,
                        Deadline.in(nanos / 1_000_000 + 30_000, "udp-recv"));
                if (u.sent <= 0 || u.received == 0) {
                    throw new IllegalStateException("udp-recv: peer sent " + u.sent + ", received " + u.received);
                }
                v.put("recv_pps", u.receiveSpanNanos > 0 ? u.received / (u.receiveSpanNanos / 1e9) : Double.NaN);
                v.put("peer_sent_pps", u.sent / (nanos / 1e9));
                v.put("loss_pct", Math.max(0, u.sent - u.received) * 100.0 / u.sent);
                v.put("sent", (double) u.sent);
                v.put("received", (double) u.received);
                break;
            }
            default:
                throw new IllegalArgumentException("unknown mode " + mode);
        }
        return v;
    }

    /**
     * Adds the CPU time the whole process spent per operation since {@code cpu0}: client, peer,
     * GC and JIT together. The peer and the runner are the same for every implementation, so the
     * differences between implementations are theirs; and CPU time, unlike a rate, hardly moves
     * when other work shares the machine (a rate there measures the scheduler as much as the code).
     */
    private static void cpuPer(String key, double operations, CpuClock clock, long cpu0, Map<String, Double> v)
            throws Exception {
        long cpu = clock.nanos() - cpu0;
        if (cpu0 >= 0 && operations > 0) {
            v.put(key, cpu / operations);
        }
    }

    /** Round trips of one message at a time for the mode's time: rate and latency percentiles. */
    private static void pingPong(String mode, Client c, InetSocketAddress addr, Options o, boolean warm,
            Map<String, Double> v) throws Exception {
        long nanos = (long) ((warm ? Math.min(o.secs(), 0.5) : o.secs()) * 1e9);
        Client.Latencies l = c.tcpPingPong(addr, o.msg(), nanos, Deadline.in(nanos / 1_000_000 + 30_000, mode));
        if (l.count == 0) {
            throw new IllegalStateException("no round trip completed");
        }
        long[] s = Arrays.copyOf(l.samples, l.count);
        Arrays.sort(s);
        v.put("rtps", l.count / (l.elapsedNanos / 1e9));
        v.put("p50_us", s[(int) Math.min(s.length - 1, Math.floor(0.50 * s.length))] / 1e3);
        v.put("p99_us", s[(int) Math.min(s.length - 1, Math.floor(0.99 * s.length))] / 1e3);
        v.put("round_trips", (double) l.count);
    }

    /**
     * A server mode: every implementation's echo server, all driven by the same raw NIO client
     * (the client is the constant, the server the variable); warm-up first, runs interleaved.
     */
    private static List<Result> runServerMode(String mode, Options o, PrintStream out) throws Exception {
        Map<String, Result> results = new LinkedHashMap<>();
        Map<String, ServerProcess> servers = new LinkedHashMap<>();
        try (NioClient client = new NioClient()) {
            for (String impl : o.impls) {
                Result r = new Result(impl, mode);
                results.put(impl, r);
                String why = o.port != 0 ? "server modes run their own servers (no --port)" : Clients.unavailable(impl);
                if (why != null) {
                    r.error = why;
                    r.note = why;
                    continue;
                }
                try {
                    servers.put(impl, ServerProcess.open(impl, o.ioThreads(), o.inProcess, false, out));
                } catch (Exception | LinkageError e) {
                    r.error = "cannot start: " + e;
                }
            }
            Map<String, Runner> runners = new LinkedHashMap<>();
            // the client's CPU time and the server's (its own process's, when it has one)
            servers.forEach((impl, server) -> runners.put(impl, warm -> once(mode, client, server.address(), o, warm,
                    () -> Sys.processCpuNanos() + server.cpuNanos())));
            warmUpAndRun(mode, o, out, results, runners);
        } finally {
            for (ServerProcess server : servers.values()) {
                server.close();
            }
        }
        return new ArrayList<>(results.values());
    }

    private static final Proto.LineBlock LINES = Proto.lineBlock(64 * 1024);

    private static List<Result> runConnScale(Options o, PrintStream out) throws Exception {
        int n = o.conns();
        Peer peer = o.port == 0 ? Peer.forMode("conn-scale", 0) : null;
        InetSocketAddress addr = peer != null ? peer.address() : Peer.loopback(o.port);
        try {
            return runScaleMode("conn-scale", o, out, null, impl -> o.inProcess
                    ? ConnScale.measure(impl, addr, n, o.ioThreads(), o.warmupSecs())
                    : ConnScale.forked(impl, addr, n, o.ioThreads(), o.warmupSecs(), out));
        } finally {
            if (peer != null) {
                peer.close();
            }
        }
    }

    /**
     * server-scale: each implementation's server holds N connections, measured in a child JVM
     * (or in this one with --in-process).
     */
    private static List<Result> runServerScale(Options o, PrintStream out) {
        String notHere = o.port != 0 ? "server modes run their own servers (no --port)" : null;
        return runScaleMode("server-scale", o, out, notHere, impl -> ServerScale.run(impl, o.conns(), o.ioThreads(),
                o.warmupSecs(), o.inProcess, out));
    }

    /** One measurement of an implementation in a scale mode. */
    private interface ScaleRun {
        Map<String, Double> measure(String impl) throws Exception;
    }

    /**
     * A scale mode: N connections per process (the measured one and the other side; 2N in one
     * process with --in-process), checked against the descriptor limit first; runs interleaved
     * between implementations.
     */
    private static List<Result> runScaleMode(String mode, Options o, PrintStream out, String notHere, ScaleRun scale) {
        Map<String, Result> results = new LinkedHashMap<>();
        long maxFds = maxFileDescriptors();
        long needed = (o.inProcess ? 2L * o.conns() : o.conns()) + 256;
        for (String impl : o.impls) {
            Result r = new Result(impl, mode);
            results.put(impl, r);
            String why = notHere != null ? notHere : Clients.unavailable(impl);
            if (why != null) {
                r.error = why;
                r.note = why;
            } else if (maxFds > 0 && needed > maxFds) {
                r.error = "needs about " + needed + " file descriptors per process, the limit is " + maxFds
                        + ": raise it (ulimit -n 65536) or lower --conns";
            }
        }
        for (int run = 1; run <= o.runs(); run++) {
            for (Result r : results.values()) {
                if (r.error != null) {
                    continue;
                }
                try {
                    Map<String, Double> v = scale.measure(r.impl);
                    r.addRun(v);
                    if (o.verbose) {
                        out.println("RUN " + run + " impl=" + r.impl + " mode=" + mode + " " + v);
                    }
                } catch (Exception e) {
                    r.error = "run " + run + " failed: " + e;
                }
            }
        }
        return new ArrayList<>(results.values());
    }

    private static long maxFileDescriptors() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            return ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
        }
        return -1;
    }
}
