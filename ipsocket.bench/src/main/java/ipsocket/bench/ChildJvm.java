package ipsocket.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the modes that run in a child JVM (conn-scale, server-scale, events) share: the java
 * command, a time limit on the child, and the figures it prints as {@code key=value} pairs.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Returns the java launcher of this JVM.
     *
     * @return its path
     */
    public static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /**
     * The start of a child's command line for a memory measurement ({@link MemoryProbe}): this
     * JVM's {@code java}, a fixed pre-touched 512 MiB heap (so RSS growth is native memory
     * only), and the diagnostics this JVM was asked for.
     *
     * @return a new modifiable list; append the class path, main class and arguments
     */
    static List<String> forMemory() {
        List<String> command = new ArrayList<>(List.of(java(), "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
                "-Dbench.histo=" + Histogram.enabled()));
        command.addAll(List.of(NativeMemory.childOptions()));
        return command;
    }

    /**
     * Starts a daemon thread that ends the child when it runs longer than the limit; interrupt it
     * once the child has ended (it then makes sure the child is gone).
     *
     * @param child the child process
     * @param limitMillis the longest the child may run
     * @param name the thread's name
     * @return the started thread
     */
    public static Thread killAfter(Process child, long limitMillis, String name) {
        Thread killer = new Thread(() -> {
            try {
                if (!child.waitFor(limitMillis, TimeUnit.MILLISECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        }, name);
        killer.setDaemon(true);
        killer.start();
        return killer;
    }

    /**
     * Reads the figures a child printed on one line as {@code key=value} pairs separated by spaces.
     *
     * @param text the pairs
     * @return the figures, in the order printed
     */
    public static Map<String, Double> figures(String text) {
        Map<String, Double> v = new LinkedHashMap<>();
        for (String kv : text.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                v.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
            }
        }
        return v;
    }
}
