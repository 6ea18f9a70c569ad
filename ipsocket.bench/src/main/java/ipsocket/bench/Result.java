package ipsocket.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one implementation in one mode: medians over runs, and each run. */
public final class Result {
    public final String impl;
    public final String mode;
    public final List<Map<String, Double>> runs = new ArrayList<>();
    public final Map<String, Double> median = new LinkedHashMap<>();
    public String error;
    public String note;

    public Result(String impl, String mode) {
        this.impl = impl;
        this.mode = mode;
    }

    public void addRun(Map<String, Double> values) {
        runs.add(values);
        median.clear();
        for (String key : values.keySet()) {
            double[] v = runs.stream().filter(r -> r.containsKey(key)).mapToDouble(r -> r.get(key)).toArray();
            median.put(key, median(v));
        }
    }

    public boolean ok() {
        return error == null && !median.isEmpty();
    }

    /** The result line of PERFORMANCE.md: {@code RESULT impl=... mode=... key=value ...}. */
    public String line() {
        StringBuilder sb = new StringBuilder("RESULT impl=").append(impl).append(" mode=").append(mode);
        if (!ok()) {
            sb.append(" error=\"").append(error == null ? "no result" : error.replace('"', '\'')).append('"');
            return sb.toString();
        }
        median.forEach((k, v) -> sb.append(' ').append(k).append('=').append(format(v)));
        sb.append(" runs=").append(runs.size());
        return sb.toString();
    }

    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a >= 1000 || v == Math.rint(v) && a < 1e15) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
