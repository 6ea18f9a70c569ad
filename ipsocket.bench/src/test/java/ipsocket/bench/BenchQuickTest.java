package ipsocket.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Smoke test of the benchmark runner so that it never rots: every mode with tiny sizes, in this
 * JVM, against the module's own peers. It checks that each implementation reports a RESULT line
 * with positive figures, that the table and the JSON file are produced, and never a speed.
 */
class BenchQuickTest {
    /** The figures every mode must report as positive numbers. */
    private static final Map<String, List<String>> PRIMARY = Map.of(
            "tcp-throughput", List.of("MBps"),
            "tcp-pingpong", List.of("rtps", "p50_us", "p99_us"),
            "tcp-lines", List.of("lines_per_s"),
            "udp", List.of("recv_pps", "sent_pps"),
            "udp-recv", List.of("recv_pps", "peer_sent_pps"),
            "conn-scale", List.of("connect_ms", "ready_ms", "io_threads"));

    @Test
    @Timeout(90)
    void everyModeReportsEveryImplementation() throws Exception {
        Path json = Path.of("target", "bench-smoke.json");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            code = BenchMain.run(new String[] {"--quick", "--no-jmh", "--in-process", "--runs", "1",
                    "--warmup", "0.1", "--secs", "0.3", "--mib", "16", "--lines", "20000", "--conns", "50",
                    "--json", json.toString()}, out);
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        System.out.println("smoke run took " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        assertEquals(0, code, "the runner reported an error");

        Map<String, String> lines = new HashMap<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("RESULT ")) {
                Map<String, String> kv = parse(line);
                lines.put(kv.get("impl") + " " + kv.get("mode"), line);
            }
        }
        String epollUnavailable = Clients.unavailable("netty-epoll");
        for (String mode : Options.ALL_MODES) {
            for (String impl : Options.ALL_IMPLS) {
                String line = lines.get(impl + " " + mode);
                if (line == null) {
                    fail("no RESULT line for impl=" + impl + " mode=" + mode);
                }
                if (impl.equals("netty-epoll") && epollUnavailable != null) {
                    continue; // reported with its reason; nothing to measure here
                }
                Map<String, String> kv = parse(line);
                assertTrue(!kv.containsKey("error"), line);
                for (String key : PRIMARY.get(mode)) {
                    String value = kv.get(key);
                    assertTrue(value != null, "missing " + key + " in " + line);
                    double v = Double.parseDouble(value);
                    assertTrue(v > 0 && Double.isFinite(v), key + " is not a positive number in " + line);
                }
                for (Map.Entry<String, String> e : kv.entrySet()) {
                    if (!e.getKey().equals("impl") && !e.getKey().equals("mode")) {
                        assertTrue(Double.isFinite(Double.parseDouble(e.getValue())), e + " in " + line);
                    }
                }
            }
        }
        assertTrue(output.contains("ratio = value / nio value"), "no table printed");
        String text = Files.readString(json);
        assertTrue(text.contains("\"results\"") && text.contains("\"ratio_vs_nio\""), "JSON file incomplete");
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> kv = new HashMap<>();
        for (String part : line.substring("RESULT ".length()).trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return kv;
    }
}
