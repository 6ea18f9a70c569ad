package ipsocket.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this JVM pays per connection: the growth of its live heap (after full GCs) and of its
 * resident set (native memory, the heap being resident already) between a baseline and a
 * measurement with N connections held; the figures conn-scale and server-scale report.
 *
 * <p>Both points wait for the JIT compiler to go quiet first ({@link Sys#awaitQuietCompiler}):
 * a compilation's arenas are given back to malloc, which keeps them resident, so a compilation
 * that happened to run between the two points showed up as hundreds of bytes of RSS per
 * connection that no connection holds (native memory tracking showed the JVM's own native
 * memory growing by under 30 B per connection while RSS moved by 100-800 B from run to run).
 * With {@code -Dbench.histo=true} it prints the class histogram growth per connection, with
 * {@code -Dbench.nmt=true} the native memory tracking difference.
 */
final class MemoryProbe {
    private final int threads0 = Sys.liveThreads();
    private long heap0;
    private long rss0;
    private Map<String, long[]> histogram0;

    /** Takes the baseline. */
    void baseline() {
        Sys.awaitQuietCompiler();
        // the diagnostics first: what they allocate natively is then in the baseline
        histogram0 = Histogram.enabled() ? Histogram.take() : null;
        if (NativeMemory.enabled()) {
            NativeMemory.baseline();
        }
        heap0 = Sys.liveHeapBytes();
        rss0 = Sys.rssKib();
    }

    /**
     * Measures the growth since the baseline.
     *
     * @param n connections held now
     * @param label what is measured, for the diagnostics' output
     * @return {@code mem_kib_per_conn}, {@code heap_kib_per_conn}, {@code rss_kib_per_conn},
     *         {@code threads_added}
     */
    Map<String, Double> measure(int n, String label) {
        Sys.awaitQuietCompiler();
        long heap1 = Sys.liveHeapBytes();
        long rss1 = Sys.rssKib();
        if (histogram0 != null) {
            Histogram.printGrowth(histogram0, Histogram.take(), n, label);
        }
        if (NativeMemory.enabled()) {
            NativeMemory.printGrowth(label + " with " + n + " connections");
        }
        double heapKib = (heap1 - heap0) / 1024.0 / n;
        double rssKib = rss0 < 0 ? Double.NaN : (double) (rss1 - rss0) / n;
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("mem_kib_per_conn", heapKib + rssKib);
        v.put("heap_kib_per_conn", heapKib);
        v.put("rss_kib_per_conn", rssKib);
        v.put("threads_added", (double) (Sys.liveThreads() - threads0));
        return v;
    }
}
