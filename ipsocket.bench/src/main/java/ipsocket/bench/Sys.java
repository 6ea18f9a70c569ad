package ipsocket.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process memory and machine facts for the report. */
public final class Sys {
    private Sys() {
    }

    /**
     * Returns the CPU time this process has used, all threads together.
     *
     * @return nanoseconds, or -1 where the JVM does not tell
     */
    public static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }

    /**
     * Waits until the JIT compiler has finished nothing new for 600 ms (at most 10 s), so that a
     * memory measurement does not catch a compilation's arenas.
     */
    public static void awaitQuietCompiler() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long end = System.nanoTime() + 10_000_000_000L;
        long last = jit.getTotalCompilationTime();
        int quietPolls = 0;
        while (quietPolls < 3 && System.nanoTime() - end < 0) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = jit.getTotalCompilationTime();
            quietPolls = now == last ? quietPolls + 1 : 0;
            last = now;
        }
    }

    /**
     * Anonymous resident memory in KiB from /proc/self/status ({@code RssAnon}: heap, malloc,
     * stacks; {@code VmRSS} where the kernel has no split), or -1 where there is none. The
     * file-backed part (jars, libraries, the class data archive) is left out: the kernel drops
     * and re-reads those pages as other processes need memory, which made the growth of a
     * child's RSS negative while the machine was busy.
     */
    public static long rssKib() {
        try {
            long total = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssAnon:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
                if (line.startsWith("VmRSS:")) {
                    total = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return total;
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    /** Live heap after full collections, in bytes. */
    public static long liveHeapBytes() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    public static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** The 1-minute load average, or -1. */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
