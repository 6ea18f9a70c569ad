package ipsocket.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import ipsocket.bench.jmh.BufferCopyBench;
import ipsocket.bench.jmh.EventBuildBench;
import ipsocket.bench.jmh.LineScanBench;

/** Runs the JMH micro-benchmarks of the full mode and summarises them. */
final class Jmh {
    private Jmh() {
    }

    static List<Result> run(PrintStream out, List<String> notes) {
        List<Result> results = new ArrayList<>();
        out.println();
        out.println("== JMH micro-benchmarks (1 fork each, 3 x 1 s warm-up, 5 x 1 s measurement) ==");
        out.flush();
        Collection<RunResult> runs;
        try {
            runs = new Runner(new OptionsBuilder()
                    .include(LineScanBench.class.getName())
                    .include(BufferCopyBench.class.getName())
                    .include(EventBuildBench.class.getName())
                    .verbosity(VerboseMode.SILENT)
                    .build()).run();
        } catch (Exception e) {
            notes.add("JMH failed: " + e);
            out.println("JMH failed: " + e);
            return results;
        }
        for (RunResult rr : runs) {
            String bench = rr.getParams().getBenchmark();
            String cls = bench.substring(0, bench.lastIndexOf('.'));
            String method = bench.substring(bench.lastIndexOf('.') + 1);
            double opsPerSec = rr.getPrimaryResult().getScore();
            double err = rr.getPrimaryResult().getScoreError();
            Result r = new Result(method, "jmh-" + cls.substring(cls.lastIndexOf('.') + 1));
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("ops_per_s", opsPerSec);
            v.put("ops_per_s_error", err);
            if (cls.endsWith("LineScanBench")) {
                v.put("lines_per_s", opsPerSec * LineScanBench.LINES_PER_BLOCK);
            } else if (cls.endsWith("EventBuildBench")) {
                v.put("events_per_s", opsPerSec);
            } else {
                v.put("MBps", opsPerSec * BufferCopyBench.SIZE / 1e6);
            }
            v.put("ns_per_op", 1e9 / opsPerSec);
            r.addRun(v);
            results.add(r);
            out.println(String.format(Locale.ROOT, "JMH %-15s %-28s %12s ops/s  %s", r.mode.substring(4), method,
                    Result.format(opsPerSec), v.containsKey("lines_per_s")
                            ? Result.format(v.get("lines_per_s")) + " lines/s"
                            : v.containsKey("events_per_s") ? Result.format(v.get("ns_per_op")) + " ns/event"
                            : Result.format(v.get("MBps")) + " MB/s"));
        }
        return results;
    }
}
