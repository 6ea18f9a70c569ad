package ipsocket.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.management.ObjectName;

/**
 * Live-object class histogram (the {@code GC.class_histogram} diagnostic command) and the
 * difference of two, per connection: where conn-scale's heap goes. Diagnostics only, enabled
 * with {@code -Dbench.histo=true}.
 */
final class Histogram {
    private Histogram() {
    }

    static boolean enabled() {
        return Boolean.getBoolean("bench.histo");
    }

    /** class name -> {instances, bytes} of live objects (forces a full GC). */
    static Map<String, long[]> take() {
        Map<String, long[]> m = new HashMap<>();
        try {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
        } catch (Exception e) {
            System.err.println("class histogram unavailable: " + e);
        }
        return m;
    }

    /** Prints the classes whose live bytes grew most between two histograms, per connection. */
    static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int n, String label) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            if (d[1] > 0) {
                grown.add(Map.entry(e.getKey(), d));
            }
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        long total = grown.stream().mapToLong(e -> e.getValue()[1]).sum();
        System.out.println(String.format(Locale.ROOT, "HISTO %s: live heap growth %.0f bytes per connection; top classes:",
                label, (double) total / n));
        for (int i = 0; i < Math.min(25, grown.size()); i++) {
            long[] d = grown.get(i).getValue();
            System.out.println(String.format(Locale.ROOT, "HISTO   %8.2f objects %8.1f bytes  %s",
                    (double) d[0] / n, (double) d[1] / n, grown.get(i).getKey()));
        }
    }
}
