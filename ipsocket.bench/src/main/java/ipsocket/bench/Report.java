package ipsocket.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table with ratios against raw NIO, the checks against the targets, and the JSON file. */
public final class Report {
    /** Keys shown in the table per mode; every key is in the RESULT lines and the JSON. */
    static final Map<String, List<String>> TABLE_KEYS = new LinkedHashMap<>();
    /** Keys where lower is better. */
    static final List<String> LOWER_IS_BETTER = List.of("p50_us", "p99_us", "loss_pct", "connect_ms", "ready_ms",
            "mem_kib_per_conn", "heap_kib_per_conn", "rss_kib_per_conn", "ns_per_op", "cpu_ns_per_kib", "cpu_ns_per_rt",
            "cpu_ns_per_line");

    static {
        TABLE_KEYS.put("tcp-throughput", List.of("MBps", "cpu_ns_per_kib"));
        TABLE_KEYS.put("tcp-pingpong", List.of("rtps", "p50_us", "p99_us", "cpu_ns_per_rt"));
        TABLE_KEYS.put("tcp-lines", List.of("lines_per_s", "cpu_ns_per_line"));
        TABLE_KEYS.put("udp", List.of("recv_pps", "sent_pps", "loss_pct"));
        TABLE_KEYS.put("udp-recv", List.of("recv_pps", "loss_pct"));
        TABLE_KEYS.put("tls-throughput", List.of("MBps"));
        TABLE_KEYS.put("tls-handshakes", List.of("full_per_s", "resumed_per_s"));
        TABLE_KEYS.put("conn-scale", List.of("connect_ms", "ready_ms", "mem_kib_per_conn", "heap_kib_per_conn",
                "rss_kib_per_conn", "io_threads"));
        TABLE_KEYS.put("server-accept", List.of("accepts_per_s"));
        TABLE_KEYS.put("server-echo", List.of("rtps", "p50_us", "p99_us", "cpu_ns_per_rt"));
        TABLE_KEYS.put("server-throughput", List.of("MBps", "cpu_ns_per_kib"));
        TABLE_KEYS.put("server-scale", List.of("connect_ms", "ready_ms", "mem_kib_per_conn", "heap_kib_per_conn",
                "rss_kib_per_conn"));
    }

    private final Options options;
    private final List<Result> results;
    private final List<String> notes;
    private final String started;

    public Report(Options options, List<Result> results, List<String> notes, String started) {
        this.options = options;
        this.results = results;
        this.notes = notes;
        this.started = started;
    }

    Result find(String impl, String mode) {
        for (Result r : results) {
            if (r.impl.equals(impl) && r.mode.equals(mode)) {
                return r;
            }
        }
        return null;
    }

    Double value(String impl, String mode, String key) {
        Result r = find(impl, mode);
        return r == null || !r.ok() ? null : r.median.get(key);
    }

    /** value / nio value, or null when either is missing or nio's is zero. */
    Double ratio(String impl, String mode, String key) {
        Double v = value(impl, mode, key);
        Double base = value("nio", mode, key);
        if (v == null || base == null || base == 0 || v.isNaN() || base.isNaN()) {
            return null;
        }
        return v / base;
    }

    public void printTable(PrintStream out) {
        List<String> impls = new ArrayList<>();
        for (String impl : Options.ALL_IMPLS) {
            if (results.stream().anyMatch(r -> r.impl.equals(impl) && TABLE_KEYS.containsKey(r.mode))) {
                impls.add(impl);
            }
        }
        if (results.stream().noneMatch(r -> TABLE_KEYS.containsKey(r.mode))) {
            printErrors(out);
            return; // only the events mode ran: it has its own table
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-15s %-18s", "mode", "figure"));
        for (String impl : impls) {
            sb.append(String.format(Locale.ROOT, " %20s", impl));
        }
        out.println();
        out.println("Medians; ratio = value / nio value (" + (options.quick ? "quick" : "full") + " mode, "
                + options.runs() + " run(s) each)");
        out.println(sb);
        for (Map.Entry<String, List<String>> e : TABLE_KEYS.entrySet()) {
            String mode = e.getKey();
            if (results.stream().noneMatch(r -> r.mode.equals(mode))) {
                continue;
            }
            for (String key : e.getValue()) {
                sb.setLength(0);
                String dir = key.equals("io_threads") ? "" : LOWER_IS_BETTER.contains(key) ? " (lower)" : " (higher)";
                sb.append(String.format(Locale.ROOT, "%-15s %-18s", mode, key + dir));
                for (String impl : impls) {
                    Result r = find(impl, mode);
                    String cell;
                    if (r == null) {
                        cell = "-";
                    } else if (!r.ok()) {
                        cell = r.note != null ? "n/a" : "error";
                    } else {
                        Double v = r.median.get(key);
                        Double ratio = ratio(impl, mode, key);
                        cell = v == null ? "-" : Result.format(v)
                                + (ratio != null && !impl.equals("nio") && !key.equals("io_threads")
                                        ? String.format(Locale.ROOT, " (%.2fx)", ratio) : "");
                    }
                    sb.append(String.format(Locale.ROOT, " %20s", cell));
                }
                out.println(sb);
            }
        }
        printErrors(out);
    }

    private void printErrors(PrintStream out) {
        for (Result r : results) {
            if (!r.ok()) {
                out.println("  " + r.impl + " " + r.mode + ": " + (r.note != null ? r.note : r.error));
            }
        }
    }

    /** Rows of the events table: label, key of MB/s, key of the ratio (null: the baseline), event keys. */
    private static final String[][] EVENT_ROWS = {
        {"bulk send", "no EventAdmin (no events)", "tx_nobridge"},
        {"bulk send", "EventAdmin, no subscriber", "tx_nosub"},
        {"bulk send", "subscriber", "tx_sub"},
        {"bulk receive", "no EventAdmin (no events)", "rx_nobridge"},
        {"bulk receive", "EventAdmin, no subscriber", "rx_nosub"},
        {"bulk receive", "subscriber (READY_READ)", "rx_sub"},
        {"bulk receive", "publishData, no subscriber", "rx_data_nosub"},
        {"bulk receive", "publishData + subscriber", "rx_data_sub"},
        {"512 B writes", "no EventAdmin (no events)", "rx_small_nobridge"},
        {"512 B writes", "publishData, no subscriber", "rx_small_nosub"},
        {"512 B writes", "publishData + subscriber", "rx_small_sub"},
    };

    /**
     * The events mode's own table: its ratios are against ipsocket itself in the same framework
     * and run (the same direction with EventAdmin and no subscriber), not against raw NIO.
     */
    public void printEventsTable(PrintStream out) {
        Result r = find("ipsocket", "events");
        if (r == null || !r.ok()) {
            return;
        }
        out.println();
        out.println("Events (ipsocket in Felix with EventAdmin; medians of " + r.runs.size()
                + " run(s); ratio = MB/s / MB/s of the same direction without subscriber, per run)");
        out.println(String.format(Locale.ROOT, "%-13s %-32s %7s %6s %7s %6s %7s %7s %9s %8s %7s", "direction", "variant",
                "MB/s", "ratio", "CPU", "ratio", "loop", "EA", "events/s", "ev MB/s", "lag ms"));
        for (String[] row : EVENT_ROWS) {
            String k = row[2];
            Double mbps = r.median.get(k + "_MBps");
            Double ratio = r.median.get(k + "_ratio");
            String events = "";
            String eventMbps = "";
            String lag = "";
            if (k.equals("tx_sub")) {
                events = Result.format(r.median.getOrDefault("tx_sub_events", Double.NaN)) + "/run";
            } else if (k.equals("rx_sub")) {
                events = Result.format(r.median.getOrDefault("rr_events_per_s", Double.NaN));
                lag = Result.format(r.median.getOrDefault("rr_lag_ms", Double.NaN));
            } else if (k.equals("rx_data_sub")) {
                events = Result.format(r.median.getOrDefault("events_per_s", Double.NaN));
                eventMbps = Result.format(r.median.getOrDefault("event_MBps", Double.NaN));
                lag = Result.format(r.median.getOrDefault("event_lag_ms", Double.NaN));
            } else if (k.equals("rx_small_sub")) {
                events = Result.format(r.median.getOrDefault("small_events_per_s", Double.NaN));
                eventMbps = Result.format(r.median.getOrDefault("small_event_MBps", Double.NaN));
                lag = Result.format(r.median.getOrDefault("small_event_lag_ms", Double.NaN));
            }
            boolean base = k.equals("tx_nosub") || k.equals("rx_nosub") || k.equals("rx_small_nosub");
            Double cpu = r.median.get(k + "_cpu_us_per_MB");
            Double cpuRatio = r.median.get(k + "_cpu_ratio");
            out.println(String.format(Locale.ROOT, "%-13s %-32s %7s %6s %7s %6s %7s %7s %9s %8s %7s", row[0], row[1],
                    mbps == null ? "-" : Result.format(mbps),
                    base ? "base" : ratio == null ? "-" : String.format(Locale.ROOT, "%.2fx", ratio),
                    cpu == null ? "-" : Result.format(cpu),
                    base ? "base" : cpuRatio == null ? "-" : String.format(Locale.ROOT, "%.2fx", cpuRatio),
                    Result.format(r.median.getOrDefault(k + "_loop_us_per_MB", Double.NaN)),
                    Result.format(r.median.getOrDefault(k + "_ea_us_per_MB", Double.NaN)),
                    events, eventMbps, lag));
        }
        out.println("  CPU, loop, EA: CPU microseconds per MB moved (whole process; ipsocket's I/O thread;"
                + " EventAdmin's threads); events/s, ev MB/s: delivered to the subscriber up to the run's marker");
        if (r.median.containsKey("rr_ea_us_per_event")) {
            out.println(String.format(Locale.ROOT, "  EventAdmin threads' CPU per delivered event: %s us (READY_READ),"
                    + " %s us (publishData: READY_READ + DATA_RECEIVED), %s us (512 B writes)",
                    Result.format(r.median.get("rr_ea_us_per_event")),
                    Result.format(r.median.getOrDefault("data_ea_us_per_event", Double.NaN)),
                    Result.format(r.median.getOrDefault("small_ea_us_per_event", Double.NaN))));
        }
    }

    /** Issue 7's targets and the PERFORMANCE.md bar, computed from this run. */
    public List<String[]> targets() {
        List<String[]> t = new ArrayList<>();
        Double bulk = ratio("ipsocket", "tcp-throughput", "MBps");
        Double ipBulk = value("ipsocket", "tcp-throughput", "MBps");
        Double nettyBulk = best("tcp-throughput", "MBps");
        if (bulk != null && nettyBulk != null) {
            t.add(check("TCP bulk >= 1.0x raw NIO and >= Netty", bulk >= 1.0 && ipBulk >= nettyBulk,
                    fmt("%.2fx nio; %.2fx best Netty", bulk, ipBulk / nettyBulk)));
        }
        Double p50 = ratio("ipsocket", "tcp-pingpong", "p50_us");
        if (p50 != null) {
            t.add(check("ping-pong p50 <= 1.1x raw NIO", p50 <= 1.1, fmt("%.2fx nio", p50)));
        }
        Double lines = value("ipsocket", "tcp-lines", "lines_per_s");
        Double nettyLines = value("netty", "tcp-lines", "lines_per_s");
        if (lines != null && nettyLines != null) {
            t.add(check("lines/s >= Netty LineBasedFrameDecoder (NIO transport)", lines >= nettyLines,
                    fmt("%.2fx netty", lines / nettyLines)));
        }
        Double udp = ratio("ipsocket", "udp", "recv_pps");
        Double loss = value("ipsocket", "udp", "loss_pct");
        Double nioLoss = value("nio", "udp", "loss_pct");
        if (udp != null && loss != null && nioLoss != null) {
            t.add(check("UDP >= 0.95x raw NIO, loss not worse (+0.1 point)", udp >= 0.95 && loss <= nioLoss + 0.1,
                    fmt("%.2fx nio; loss %.2f%% vs %.2f%%", udp, loss, nioLoss)));
        } else if (find("ipsocket", "udp") != null && !find("ipsocket", "udp").ok()) {
            t.add(new String[] {"UDP >= 0.95x raw NIO, loss not worse", "NOT MEASURED",
                    String.valueOf(find("ipsocket", "udp").error)});
        }
        Double heap = value("ipsocket", "conn-scale", "heap_kib_per_conn");
        Double threads = value("ipsocket", "conn-scale", "io_threads");
        Double conns = value("ipsocket", "conn-scale", "conns");
        if (heap != null && threads != null && conns != null) {
            boolean ok = heap <= 4 && threads <= 4;
            String verdict = conns >= 10_000 ? (ok ? "PASS" : "MISS") : (ok ? "PASS at " : "MISS at ")
                    + Result.format(conns) + " conns";
            t.add(new String[] {"10,000 sockets, <= 4 I/O threads, <= 4 KiB heap per idle socket", verdict,
                    fmt("%s conns, %.0f I/O threads, %.2f KiB heap/conn", Result.format(conns), threads, heap)});
        }
        Double mem = value("ipsocket", "conn-scale", "mem_kib_per_conn");
        Double nettyMem = value("netty", "conn-scale", "mem_kib_per_conn");
        if (mem != null && nettyMem != null) {
            t.add(check("PERFORMANCE.md: idle socket costs less memory than Netty's", mem < nettyMem,
                    fmt("%.2f vs %.2f KiB/conn", mem, nettyMem)));
        }
        Double serverMem = value("ipsocket", "server-scale", "mem_kib_per_conn");
        Double epollServerMem = value("netty-epoll", "server-scale", "mem_kib_per_conn");
        if (serverMem != null && epollServerMem != null) {
            t.add(check("issue 17: memory per accepted connection below Netty epoll's", serverMem < epollServerMem,
                    fmt("%.2f vs %.2f KiB/conn at %s conns", serverMem, epollServerMem,
                            Result.format(value("ipsocket", "server-scale", "conns")))));
        }
        for (String[] serverFigure : new String[][] {{"server-accept", "accepts_per_s"}, {"server-echo", "rtps"},
                {"server-throughput", "MBps"}}) {
            Double ours = value("ipsocket", serverFigure[0], serverFigure[1]);
            Double nettyNio = value("netty", serverFigure[0], serverFigure[1]);
            if (ours != null && nettyNio != null) {
                t.add(check("issue 17: " + serverFigure[0] + " " + serverFigure[1] + " ahead of Netty NIO",
                        ours > nettyNio, fmt("%s vs %s", Result.format(ours), Result.format(nettyNio))));
            }
        }
        for (Map.Entry<String, List<String>> e : TABLE_KEYS.entrySet()) {
            for (String key : e.getValue()) {
                if (key.equals("io_threads") || key.equals("loss_pct") || key.endsWith("_per_conn")) {
                    continue;
                }
                Double r = ratio("ipsocket", e.getKey(), key);
                if (r == null) {
                    continue;
                }
                boolean lower = LOWER_IS_BETTER.contains(key);
                // ">= 0.95x" in the better direction: for a time, at most 1/0.95 of nio's.
                boolean ok = lower ? r <= 1 / 0.95 : r >= 0.95;
                t.add(check("PERFORMANCE.md bar " + e.getKey() + " " + key + " >= 0.95x nio", ok,
                        fmt("%.2fx", r)));
            }
        }
        Double tls = value("ipsocket", "tls-throughput", "MBps");
        Double nettyTls = value("netty", "tls-throughput", "MBps");
        if (tls != null && nettyTls != null) {
            t.add(check("issue 16: tls-throughput ahead of Netty's SslHandler", tls > nettyTls,
                    fmt("%.0f vs %.0f MB/s", tls, nettyTls)));
        }
        Double handshakes = value("ipsocket", "tls-handshakes", "full_per_s");
        Double nettyHandshakes = value("netty", "tls-handshakes", "full_per_s");
        if (handshakes != null && nettyHandshakes != null) {
            t.add(check("issue 16: full TLS handshakes/s at least Netty's", handshakes >= nettyHandshakes,
                    fmt("%.0f vs %.0f per s", handshakes, nettyHandshakes)));
        }
        Result events = find("ipsocket", "events");
        Double txSub = value("ipsocket", "events", "tx_sub_ratio");
        Double rxSub = value("ipsocket", "events", "rx_sub_ratio");
        Double rxData = value("ipsocket", "events", "rx_data_sub_ratio");
        if (txSub != null) {
            t.add(check("events do not cut bulk throughput by more than 10%", txSub >= 0.90,
                    fmt("bulk send with a subscriber on ipsocket/TcpSocket/* %.2fx without (%s events per run)",
                            txSub, Result.format(value("ipsocket", "events", "tx_sub_events")))));
            if (rxSub != null && rxData != null) {
                t.add(check("module's addition: events cut bulk receive by <= 10% (READY_READ)", rxSub >= 0.90,
                        fmt("%.2fx without subscriber; %s READY_READ/s delivered", rxSub,
                                Result.format(value("ipsocket", "events", "rr_events_per_s")))));
                t.add(check("module's addition: ... with publishData (DATA_RECEIVED)", rxData >= 0.90,
                        fmt("%.2fx without subscriber and publishData; %s events/s, %s MB/s through events",
                                rxData, Result.format(value("ipsocket", "events", "events_per_s")),
                                Result.format(value("ipsocket", "events", "event_MBps")))));
            }
        } else {
            t.add(new String[] {"events do not cut bulk throughput by more than 10%", "NOT MEASURED",
                    events == null ? "mode events not run" : String.valueOf(events.error)});
        }
        return t;
    }

    private Double best(String mode, String key) {
        Double a = value("netty", mode, key);
        Double b = value("netty-epoll", mode, key);
        if (a == null) {
            return b;
        }
        return b == null ? a : Math.max(a, b);
    }

    private static String[] check(String what, boolean ok, String detail) {
        return new String[] {what, ok ? "PASS" : "MISS", detail};
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    public void printTargets(PrintStream out) {
        out.println();
        out.println("Targets (issue 7) and the PERFORMANCE.md bar, from this run:");
        for (String[] t : targets()) {
            out.println(String.format(Locale.ROOT, "  %-12s %-62s %s", t[1], t[0], t[2]));
        }
        for (String n : notes) {
            out.println("  note: " + n);
        }
    }

    public void writeJson(Path file) throws IOException {
        StringBuilder j = new StringBuilder();
        j.append("{\n");
        j.append("  \"tool\": \"ipsocket.bench\",\n");
        j.append("  \"started\": ").append(q(started)).append(",\n");
        j.append("  \"finished\": ").append(q(OffsetDateTime.now(ZoneOffset.UTC).toString())).append(",\n");
        j.append("  \"machine\": {\"cpus\": ").append(Runtime.getRuntime().availableProcessors())
                .append(", \"cpu\": ").append(q(Sys.cpuModel()))
                .append(", \"java\": ").append(q(System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version")))
                .append(", \"os\": ").append(q(System.getProperty("os.name") + " " + System.getProperty("os.version")))
                .append(", \"load_average_at_end\": ").append(num(Sys.loadAverage())).append("},\n");
        j.append("  \"options\": ").append(q(options.toString())).append(",\n");
        j.append("  \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            j.append("    {\"impl\": ").append(q(r.impl)).append(", \"mode\": ").append(q(r.mode));
            if (r.error != null) {
                j.append(", \"error\": ").append(q(r.error));
            }
            if (r.note != null) {
                j.append(", \"note\": ").append(q(r.note));
            }
            j.append(", \"median\": ").append(map(r.median));
            j.append(", \"ratio_vs_nio\": {");
            boolean first = true;
            for (String k : r.median.keySet()) {
                Double ratio = ratio(r.impl, r.mode, k);
                if (ratio != null) {
                    j.append(first ? "" : ", ").append(q(k)).append(": ").append(num(ratio));
                    first = false;
                }
            }
            j.append("}, \"runs\": [");
            for (int k = 0; k < r.runs.size(); k++) {
                j.append(k == 0 ? "" : ", ").append(map(r.runs.get(k)));
            }
            j.append("]}").append(i + 1 < results.size() ? "," : "").append('\n');
        }
        j.append("  ],\n  \"targets\": [\n");
        List<String[]> t = targets();
        for (int i = 0; i < t.size(); i++) {
            j.append("    {\"target\": ").append(q(t.get(i)[0])).append(", \"verdict\": ").append(q(t.get(i)[1]))
                    .append(", \"detail\": ").append(q(t.get(i)[2])).append('}')
                    .append(i + 1 < t.size() ? "," : "").append('\n');
        }
        j.append("  ],\n  \"notes\": [");
        for (int i = 0; i < notes.size(); i++) {
            j.append(i == 0 ? "" : ", ").append(q(notes.get(i)));
        }
        j.append("]\n}\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, j.toString(), StandardCharsets.UTF_8);
    }

    private static String map(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Double> e : m.entrySet()) {
            sb.append(first ? "" : ", ").append(q(e.getKey())).append(": ").append(num(e.getValue()));
            first = false;
        }
        return sb.append('}').toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.valueOf(v);
    }

    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : String.valueOf(s).toCharArray()) {
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
