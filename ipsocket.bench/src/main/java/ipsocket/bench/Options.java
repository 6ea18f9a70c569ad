package ipsocket.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of the benchmark runner. Every numeric option has a quick and a full
 * default; an option given on the command line wins over both.
 */
public final class Options {
    /** Every mode, in run order. */
    public static final List<String> ALL_MODES =
            List.of("tcp-throughput", "tcp-pingpong", "tcp-lines", "udp", "udp-recv", "conn-scale", "server-accept",
                    "server-echo", "server-throughput", "server-scale", "events", "tls-throughput", "tls-handshakes");
    /** Every client implementation, nio first (the reference of the ratios). */
    public static final List<String> ALL_IMPLS = List.of("nio", "ipsocket", "netty", "netty-epoll");

    public boolean quick;
    public String json;
    public List<String> modes = new ArrayList<>(ALL_MODES);
    public List<String> impls = new ArrayList<>(ALL_IMPLS);
    /** External peer on 127.0.0.1; 0 = start the module's own peer. */
    public int port;
    public Double secs;
    public Long mib;
    public Integer conns;
    public Integer msg;
    public Integer dgram;
    public Integer chunk;
    public Long lines;
    public Integer runs;
    public Double warmupSecs;
    public Integer ioThreads;
    /** conn-scale and events: measure in this JVM instead of child JVMs. */
    public boolean inProcess;
    public boolean jmh = true;
    /** Verbose: print each run, not just the medians. */
    public boolean verbose;
    /** Standalone peer: how long it serves before it stops by itself. */
    public double peerSecs = 600;
    public final Map<String, String> raw = new LinkedHashMap<>();

    public static Options parse(String... args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick": o.quick = true; break;
                case "--in-process": o.inProcess = true; break;
                case "--no-jmh": o.jmh = false; break;
                case "--verbose": case "-v": o.verbose = true; break;
                case "--json": o.json = value(args, ++i, a); break;
                case "--modes": case "--mode": o.modes = list(value(args, ++i, a), ALL_MODES, a); break;
                case "--impls": case "--impl": o.impls = list(value(args, ++i, a), ALL_IMPLS, a); break;
                case "--port": o.port = (int) range(a, Long.parseLong(value(args, ++i, a)), 1, 65535); break;
                case "--secs": o.secs = positive(a, Double.parseDouble(value(args, ++i, a))); break;
                case "--mib": o.mib = (long) positive(a, Long.parseLong(value(args, ++i, a))); break;
                case "--conns": o.conns = (int) range(a, Long.parseLong(value(args, ++i, a)), 1, 100_000); break;
                case "--msg": o.msg = (int) range(a, Long.parseLong(value(args, ++i, a)), 1, 65536); break;
                case "--dgram": o.dgram = (int) range(a, Long.parseLong(value(args, ++i, a)), 24, 65507); break;
                case "--chunk": o.chunk = (int) range(a, Long.parseLong(value(args, ++i, a)), 1, 16 << 20); break;
                case "--lines": o.lines = range(a, Long.parseLong(value(args, ++i, a)), 1, 1_000_000_000L); break;
                case "--runs": o.runs = (int) range(a, Long.parseLong(value(args, ++i, a)), 1, 99); break;
                case "--warmup": o.warmupSecs = Double.parseDouble(value(args, ++i, a)); break;
                case "--io-threads": o.ioThreads = (int) range(a, Long.parseLong(value(args, ++i, a)), 1, 64); break;
                case "--peer-secs": o.peerSecs = positive(a, Double.parseDouble(value(args, ++i, a))); break;
                default:
                    if (ALL_MODES.contains(a)) {
                        if (o.raw.containsKey("positional-modes")) {
                            o.modes.add(a);
                        } else {
                            o.modes = new ArrayList<>(List.of(a));
                        }
                        o.raw.put("positional-modes", "true");
                        continue;
                    }
                    throw new IllegalArgumentException("Unknown option " + a + "\n" + BenchMain.USAGE);
            }
            o.raw.put(a, i < args.length ? args[i] : "");
        }
        return o;
    }

    // ---- effective values ----------------------------------------------------------------

    public double secs() { return secs != null ? secs : quick ? 1.0 : 3.0; }
    public long bytes() { return (mib != null ? mib : quick ? 1024 : 4096) << 20; }
    public int conns() { return conns != null ? conns : 2000; }
    public int msg() { return msg != null ? msg : 64; }
    public int dgram() { return dgram != null ? dgram : 512; }
    public int chunk() { return chunk != null ? chunk : 64 * 1024; }
    public long lines() { return lines != null ? lines : 1_000_000; }
    public int runs() { return runs != null ? runs : quick ? 1 : 3; }
    public double warmupSecs() { return warmupSecs != null ? warmupSecs : quick ? 0.5 : 2.0; }
    public int ioThreads() { return ioThreads != null ? ioThreads : 1; }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static List<String> list(String text, List<String> allowed, String name) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            s = s.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException(name + ": unknown value " + s + ", expected one of " + allowed);
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        return out;
    }

    private static long range(String name, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " " + v + " is out of range " + min + " to " + max);
        }
        return v;
    }

    private static double positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be positive, not " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        return "quick=" + quick + " modes=" + modes + " impls=" + impls + " runs=" + runs() + " warmup_s=" + warmupSecs()
                + " secs=" + secs() + " mib=" + (bytes() >> 20) + " chunk=" + chunk() + " msg=" + msg() + " dgram=" + dgram()
                + " lines=" + lines() + " conns=" + conns() + " io_threads=" + ioThreads()
                + (port != 0 ? " port=" + port : "") + (inProcess ? " in-process" : "");
    }

    static String[] rest(String[] args, int from) {
        return Arrays.copyOfRange(args, from, args.length);
    }
}
