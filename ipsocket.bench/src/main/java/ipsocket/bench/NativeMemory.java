package ipsocket.bench;

import java.lang.management.ManagementFactory;

import javax.management.ObjectName;

/**
 * The JVM's native memory tracking ({@code VM.native_memory}): where a child's RSS growth goes
 * (heap, class metadata, code, GC structures, threads, NIO, other). Diagnostics only, enabled
 * with {@code -Dbench.nmt=true}, which starts the child JVMs with
 * {@code -XX:NativeMemoryTracking=summary}.
 */
final class NativeMemory {
    private NativeMemory() {
    }

    static boolean enabled() {
        return Boolean.getBoolean("bench.nmt");
    }

    /** The child JVM's options for this diagnostic (none when it is off). */
    static String[] childOptions() {
        return enabled() ? new String[] {"-Dbench.nmt=true", "-XX:NativeMemoryTracking=summary"} : new String[0];
    }

    private static java.util.Set<String> threads0 = java.util.Set.of();

    /** Takes the baseline that {@link #printGrowth} compares with. */
    static void baseline() {
        command("baseline");
        threads0 = threadNames();
    }

    private static java.util.Set<String> threadNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        return names;
    }

    /** Prints the summary difference against the baseline, each line prefixed with {@code NMT}. */
    static void printGrowth(String label) {
        String diff = command("summary.diff");
        System.out.println("NMT " + label + ":");
        java.util.Set<String> added = threadNames();
        added.removeAll(threads0);
        System.out.println("NMT threads started since the baseline: " + added);
        for (String line : diff.split("\n")) {
            if (!line.isBlank()) {
                System.out.println("NMT " + line);
            }
        }
    }

    private static String command(String argument) {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {argument}}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            return "native memory tracking unavailable: " + e;
        }
    }
}
