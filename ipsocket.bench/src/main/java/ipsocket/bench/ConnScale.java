package ipsocket.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ipsocket.bench.client.Client;
import ipsocket.bench.peer.Peer;

/**
 * conn-scale: N concurrent connections to the echo peer, one byte echoed on each, and the
 * memory they cost.
 *
 * <p>By default each implementation is measured in its own child JVM with a fixed, pre-touched
 * heap ({@code -Xms=-Xmx}, {@code -XX:+AlwaysPreTouch}): heap pages are then resident before the
 * baseline, so RSS growth is native memory only, and live-heap growth (after full GCs) is
 * added to it. The echo peer stays in the parent, so its sockets are not counted.
 * {@code --in-process} measures in the runner's JVM instead (used by the smoke test): there
 * RSS growth also contains heap pages touched for the first time, and the peer's sockets.
 */
public final class ConnScale {
    static final String CHILD_PREFIX = "CHILD ";

    private ConnScale() {
    }

    /** One measurement in this JVM. */
    public static Map<String, Double> measure(String impl, InetSocketAddress peer, int n, int ioThreads,
            double warmupSecs) throws Exception {
        MemoryProbe probe = new MemoryProbe(); // before the client starts its threads: they are counted
        try (Client client = Clients.open(impl, ioThreads)) {
            ScaleWarmUp.run(client, peer, n, warmupSecs, "conn-scale");
            Thread.sleep(100);
            probe.baseline();
            Deadline d = Deadline.in(60_000 + n * 10L, "conn-scale with " + n + " connections");
            Client.Connections conns = client.connect(peer, n, d);
            try {
                long echo = conns.echoAll(d);
                Map<String, Double> v = new LinkedHashMap<>();
                v.put("connect_ms", conns.connectNanos() / 1e6);
                v.put("ready_ms", echo / 1e6);
                v.putAll(probe.measure(n, impl + " conn-scale"));
                v.put("io_threads", (double) client.ioThreads());
                v.put("conns", (double) n);
                return v;
            } finally {
                conns.close();
            }
        }
    }

    /** Runs one measurement in a child JVM and returns its figures. */
    public static Map<String, Double> forked(String impl, InetSocketAddress peer, int n, int ioThreads,
            double warmupSecs, PrintStream log) throws Exception {
        List<String> cmd = ChildJvm.forMemory();
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(),
                "conn-scale-child", impl, String.valueOf(peer.getPort()), String.valueOf(n),
                String.valueOf(ioThreads), String.valueOf(warmupSecs)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, Double> values = null;
        StringBuilder other = new StringBuilder();
        long limitMs = 120_000 + n * 20L;
        Thread killer = ChildJvm.killAfter(p, limitMs, "conn-scale-child-timeout");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(CHILD_PREFIX)) {
                    values = ChildJvm.figures(line.substring(CHILD_PREFIX.length()));
                } else if (other.length() < 4000) {
                    other.append(line).append('\n');
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        killer.interrupt();
        if (values == null) {
            throw new IllegalStateException("conn-scale child for " + impl + " reported nothing (exit "
                    + (p.isAlive() ? "?" : p.exitValue()) + "): " + other.toString().trim());
        }
        if (other.length() > 0 && log != null) {
            log.print(other.toString().replaceAll("(?m)^", "  [" + impl + " child] "));
        }
        return values;
    }

    /** Entry of the child JVM: {@code conn-scale-child impl port conns ioThreads warmupSecs}. */
    static void child(String[] args) throws Exception {
        String impl = args[0];
        InetSocketAddress peer = Peer.loopback(Integer.parseInt(args[1]));
        Map<String, Double> v = measure(impl, peer, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Double.parseDouble(args[4]));
        StringBuilder sb = new StringBuilder(CHILD_PREFIX);
        v.forEach((k, x) -> sb.append(k).append('=').append(x).append(' '));
        System.out.println(sb.toString().trim());
        System.out.flush();
    }

    /** The figures of a child's {@code CHILD k=v ...} line (without the prefix). */
}
