package ipsocket.bench.events;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import ipsocket.bench.Sys;

/** CPU time of the process and of the loop and EventAdmin threads, for the figures per MB. */
final class ThreadCpu {
    private ThreadCpu() {
    }

    /**
     * The process's CPU time in ns (every thread: loop, EventAdmin, peers, GC, JIT): the sum of
     * /proc/self/task/{@literal *}/schedstat (nanosecond resolution; the JVM's process CPU time
     * counts in 10 ms ticks here), else the JVM's figure, else -1.
     */
    static long cpuNanos() {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            long sum = 0;
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("schedstat"));
                    int sp = stat.indexOf(' ');
                    sum += Long.parseLong(sp > 0 ? stat.substring(0, sp) : stat.trim());
                } catch (IOException | NumberFormatException gone) {
                    // the thread ended meanwhile
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return Sys.processCpuNanos();
        }
    }

    /** CPU time per thread (ns) of the loop threads and EventAdmin's threads, by thread id. */
    static Map<Long, Long> threadCpu(boolean loop) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        long[] ids = mx.getAllThreadIds();
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            String name = infos[i].getThreadName();
            if (loop ? name.startsWith("ipsocket-io-") : name.startsWith("EventAdmin")) {
                long t = mx.getThreadCpuTime(ids[i]);
                if (t >= 0) {
                    cpu.put(ids[i], t);
                }
            }
        }
        return cpu;
    }

    /** CPU used between two snapshots (threads born in between count from zero). */
    static long cpuSince(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }
}
