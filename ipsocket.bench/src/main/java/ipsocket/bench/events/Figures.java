package ipsocket.bench.events;

import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of one run of the events mode, from the samples of its variants. */
final class Figures {
    private Figures() {
    }

    /**
     * Returns the figures of one run: per variant its throughput, CPU per MB (process, loop and
     * EventAdmin threads) and ratios against its base; the subscriber's event rates and lags.
     *
     * @param got the samples by variant
     * @param rounds the rounds of the run
     * @return figure name to value, in a stable order
     */
    static Map<String, Double> of(Map<Variant, Sample> got, int rounds) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Variant v : Variant.values()) {
            out.put(v.key + "_MBps", got.get(v).mbps());
        }
        for (Variant v : Variant.values()) {
            if (v.base() != v) {
                ratio(out, v.key + "_ratio", got.get(v).mbps(), got.get(v.base()).mbps());
            }
        }
        for (Variant v : Variant.values()) {
            finite(out, v.key + "_cpu_us_per_MB", got.get(v).cpuUsPerMb());
        }
        for (Variant v : Variant.values()) {
            if (v.base() != v) {
                ratio(out, v.key + "_cpu_ratio", got.get(v).cpuUsPerMb(), got.get(v.base()).cpuUsPerMb());
            }
        }
        for (Variant v : Variant.values()) {
            Sample g = got.get(v);
            out.put(v.key + "_loop_us_per_MB", g.perMb(g.loopNanos));
            out.put(v.key + "_ea_us_per_MB", g.perMb(g.eaNanos));
        }
        Sample txSub = got.get(Variant.TX_SUB);
        Sample rxSub = got.get(Variant.RX_SUB);
        Sample dataSub = got.get(Variant.RX_DATA_SUB);
        out.put("tx_sub_events", (double) txSub.events() / txSub.transfers);
        out.put("rr_events_per_s", rxSub.readyRead / (rxSub.eventWallNanos / 1e9));
        out.put("rr_lag_ms", rxSub.lagNanos / 1e6 / rxSub.transfers);
        out.put("events_per_s", dataSub.events() / (dataSub.eventWallNanos / 1e9));
        out.put("data_events_per_s", dataSub.dataEvents / (dataSub.eventWallNanos / 1e9));
        out.put("event_MBps", dataSub.dataBytes / 1e6 / (dataSub.eventWallNanos / 1e9));
        out.put("data_event_kib", dataSub.dataEvents == 0 ? 0.0 : dataSub.dataBytes / 1024.0 / dataSub.dataEvents);
        out.put("event_lag_ms", dataSub.lagNanos / 1e6 / dataSub.transfers);
        Sample smallSub = got.get(Variant.RX_SMALL_SUB);
        out.put("small_events_per_s", smallSub.events() / (smallSub.eventWallNanos / 1e9));
        out.put("small_event_MBps", smallSub.dataBytes / 1e6 / (smallSub.eventWallNanos / 1e9));
        out.put("small_data_event_bytes", smallSub.dataEvents == 0 ? 0.0 : (double) smallSub.dataBytes / smallSub.dataEvents);
        out.put("small_event_lag_ms", smallSub.lagNanos / 1e6 / smallSub.transfers);
        // EventAdmin's threads' CPU per delivered event (thread CPU time: exact, unlike the process's share).
        ratio(out, "rr_ea_us_per_event", rxSub.eaNanos / 1e3, rxSub.events());
        ratio(out, "data_ea_us_per_event", dataSub.eaNanos / 1e3, dataSub.events());
        ratio(out, "small_ea_us_per_event", smallSub.eaNanos / 1e3, smallSub.events());
        out.put("rounds", (double) rounds);
        return out;
    }

    /** Puts a / b unless b is zero or either is not a number (tiny runs). */
    private static void ratio(Map<String, Double> out, String key, double a, double b) {
        if (b > 0 && Double.isFinite(a) && Double.isFinite(b)) {
            out.put(key, a / b);
        }
    }

    /** Puts a finite value; leaves a key out that a tiny run cannot give. */
    private static void finite(Map<String, Double> out, String key, double v) {
        if (Double.isFinite(v)) {
            out.put(key, v);
        }
    }
}
