package ipsocket.bench.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ipsocket.bench.BenchMain;
import ipsocket.bench.ChildJvm;
import ipsocket.bench.Options;
import ipsocket.bench.Result;

/**
 * The events mode in a child JVM (the default): the parent starts it and reads its CHILD_ lines;
 * the child runs the mode in its own process and prints them.
 */
public final class EventsChild {
    static final String CHILD_RUN = "CHILD_RUN ";
    static final String CHILD_ERROR = "CHILD_ERROR ";
    static final String CHILD_NOTE = "CHILD_NOTE ";

    private EventsChild() {
    }

    /**
     * Runs the mode in a child JVM (the default): the framework, its bundles' threads and
     * their heap come and go with it, and the runner's other modes stay outside OSGi.
     */
    static Result forked(Options o, PrintStream out, List<String> notes) {
        Result r = new Result("ipsocket", "events");
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.java()));
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("ipsocket.bench.") || key.startsWith("org.apache.felix.eventadmin.")
                    || key.startsWith("bench.")) {
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(), "events-child",
                "--runs", String.valueOf(o.runs()), "--warmup", String.valueOf(o.warmupSecs()),
                "--mib", String.valueOf(EventsBench.bytes(o) >> 20), "--chunk", String.valueOf(o.chunk()),
                "--io-threads", String.valueOf(o.ioThreads())));
        if (o.verbose) {
            cmd.add("--verbose");
        }
        long limitMs = 120_000 + (o.runs() + 1L) * Variant.values().length * EventsBench.bytes(o) / 20_000;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread killer = ChildJvm.killAfter(p, limitMs, "events-child-timeout");
            StringBuilder other = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(CHILD_RUN)) {
                        r.addRun(ChildJvm.figures(line.substring(CHILD_RUN.length())));
                    } else if (line.startsWith(CHILD_ERROR)) {
                        r.error = line.substring(CHILD_ERROR.length());
                    } else if (line.startsWith(CHILD_NOTE)) {
                        notes.add(line.substring(CHILD_NOTE.length()));
                    } else if (line.startsWith("RUN ")) {
                        out.println(line);
                        out.flush();
                    } else if (other.length() < 4000) {
                        other.append(line).append('\n');
                    }
                }
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            killer.interrupt();
            if (other.length() > 0) {
                out.print(other.toString().replaceAll("(?m)^", "  [events child] "));
            }
            if (r.error == null && r.runs.isEmpty()) {
                r.error = "events child reported nothing (exit " + (p.isAlive() ? "?" : p.exitValue()) + ")";
            }
        } catch (IOException | InterruptedException e) {
            r.error = "events child failed: " + e;
        }
        return r;
    }

    /** Entry of the child JVM: {@code events-child [options]}; prints CHILD_ lines. */
    public static void child(String[] args) {
        Options o = Options.parse(args);
        o.inProcess = true;
        List<String> notes = new ArrayList<>();
        Result r = EventsBench.inProcess(o, System.out, notes);
        // Threads the bundles leave behind end with this JVM: nothing to report.
        notes.removeIf(n -> n.startsWith(EventsBench.THREADS_LEFT));
        for (Map<String, Double> run : r.runs) {
            StringBuilder sb = new StringBuilder(CHILD_RUN);
            run.forEach((k, x) -> sb.append(k).append('=').append(x).append(' '));
            System.out.println(sb.toString().trim());
        }
        if (r.error != null) {
            System.out.println(CHILD_ERROR + r.error.replace('\n', ' '));
        }
        for (String n : notes) {
            System.out.println(CHILD_NOTE + n.replace('\n', ' '));
        }
        System.out.flush();
    }

}
