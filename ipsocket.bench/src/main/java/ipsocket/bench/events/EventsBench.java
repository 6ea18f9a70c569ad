package ipsocket.bench.events;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ipsocket.bench.Options;
import ipsocket.bench.Result;
import ipsocket.bench.peer.SinkPeer;
import ipsocket.bench.peer.SourcePeer;

/**
 * The events mode (issue 7, benchmark 6): ipsocket inside a real Felix framework, sockets made
 * by ConfigAdmin factory configurations of {@code ipsocket.TcpSocket}, every signal published
 * by the implementation's event bridge through Felix EventAdmin, and an EventHandler subscriber
 * on {@code ipsocket/TcpSocket/*} that counts events and bytes.
 *
 * <p>Three long-lived sockets, connected once before anything is timed: {@code bench-tx} to the
 * sink peer (tcp-throughput's protocol: 8-byte length L, L bytes in 64 KiB writes continued
 * from {@code bytesWritten} on the loop thread, the sink answers 'K'), {@code bench-rx} and
 * {@code bench-rx-data} ({@code publishData=true}) to a source peer (the reverse: the socket
 * sends [L][W], the peer sends L bytes in W-byte writes, the socket's application listener takes
 * each arrival with {@code readAll()}). The variants, all in one framework and one run:
 *
 * <ul>
 * <li>{@code nobridge}: the EventAdmin bundle stopped, so ipsocket has no event bridge and no
 * event is built or posted (what a gateway without EventAdmin does);</li>
 * <li>{@code nosub}: EventAdmin running, no subscriber (events are built and posted to nobody);</li>
 * <li>{@code sub}: the counting subscriber registered;</li>
 * <li>receive only, {@code data_*}: the same on the {@code publishData} socket (a DATA_RECEIVED
 * event with a copy of each read besides READY_READ); {@code small_*}: publishData socket,
 * the peer writing 512 B at a time (many small arrivals, as a chatty device), 1/16 of the bytes.</li>
 * </ul>
 *
 * A run is up to 8 rounds of one transfer per variant (order rotated per round), so
 * that the machine's noise hits every variant alike. Throughput is the socket's (first byte
 * requested or written to the last byte read or the 'K'); event figures are the subscriber's,
 * up to a marker event posted from the loop thread after the last byte (EventAdmin keeps the
 * order of one posting thread), so they include the delivery backlog. CPU time per MB is taken
 * for the whole process, the loop thread and EventAdmin's threads. Ratios are per run against
 * the same direction's {@code nosub}, then the median over the runs.
 */
public final class EventsBench {
    private EventsBench() {
    }

    /** Why the mode cannot run here, or null. */
    public static String unavailable() {
        return EmbeddedFelix.unavailable();
    }

    /** Whether it cannot run only because the reactor's bundles are not packaged yet ({@code ./mvnw test}). */
    public static boolean unavailableBeforePackage() {
        return EmbeddedFelix.onlyUnpackaged();
    }

    /** Runs the mode: warm-up, then {@code o.runs()} interleaved runs; one result. */
    public static Result run(Options o, PrintStream out, List<String> notes) {
        Result r = new Result("ipsocket", "events");
        if (!o.impls.contains("ipsocket")) {
            r.error = "ipsocket is not among --impls";
            r.note = r.error;
            return r;
        }
        if (o.port != 0) {
            r.error = "events needs the module's own sink and source peers (no --port)";
            r.note = r.error;
            return r;
        }
        String why = unavailable();
        if (why != null) {
            r.error = why;
            if (EmbeddedFelix.onlyUnpackaged()) {
                r.note = why; // n/a before the package phase, not a failure
            }
            return r;
        }
        return o.inProcess ? inProcess(o, out, notes) : EventsChild.forked(o, out, notes);
    }

    /**
     * Bytes per variant and run: {@code --mib} when given, else the mode's default capped at
     * 2 GiB (full mode: 11 variants would otherwise move 40 GiB per run).
     */
    static long bytes(Options o) {
        return o.mib != null ? o.bytes() : Math.min(o.bytes(), 2L << 30);
    }

    static final String THREADS_LEFT = "events: threads still alive after the framework stopped: ";

    /** Runs the mode in this JVM. */
    static Result inProcess(Options o, PrintStream out, List<String> notes) {
        Result r = new Result("ipsocket", "events");
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (SinkPeer sinkPeer = new SinkPeer(0);
                SourcePeer sourcePeer = new SourcePeer(0, o.chunk());
                EmbeddedFelix felix = EmbeddedFelix.start()) {
            EventsFramework framework = new EventsFramework(felix, o, sinkPeer.address(), sourcePeer.address());
            framework.setUp();
            Rounds b = new Rounds(framework, o);
            long warmBytes = Math.min(bytes(o), 128L << 20);
            long end = System.nanoTime() + (long) (o.warmupSecs() * 1e9);
            try {
                do {
                    b.cycle(warmBytes, true);
                } while (System.nanoTime() - end < 0);
            } catch (Exception e) {
                r.error = "warm-up failed: " + e;
                return r;
            }
            for (int run = 1; run <= o.runs(); run++) {
                try {
                    Map<String, Double> v = b.cycle(bytes(o), run % 2 == 1);
                    r.addRun(v);
                    if (o.verbose) {
                        out.println("RUN " + run + " impl=ipsocket mode=events " + v);
                    }
                } catch (Exception e) {
                    r.error = "run " + run + " failed: " + e;
                    break;
                }
            }
            framework.release();
        } catch (Exception | LinkageError e) {
            r.error = "cannot run in Felix: " + e;
        }
        String left = threadsLeft(before);
        if (left != null) {
            notes.add(THREADS_LEFT + left);
        }
        out.flush();
        return r;
    }

    /** Threads started during the mode and still alive a moment after it, or null. */
    private static String threadsLeft(Set<Thread> before) {
        List<String> left = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            left.clear();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("process reaper")
                        && !t.getName().equals("Attach Listener")) {
                    left.add(t.getName() + (t.isDaemon() ? " (daemon)" : ""));
                }
            }
            if (left.isEmpty()) {
                return null;
            }
            EventsFramework.sleep(50);
        }
        if (Boolean.getBoolean("bench.events.threads")) {
            Thread.getAllStackTraces().forEach((t, st) -> {
                if (!before.contains(t) && t.isAlive()) {
                    System.err.println("left: " + t + " daemon=" + t.isDaemon() + " state=" + t.getState());
                    for (StackTraceElement e : st) {
                        System.err.println("    at " + e);
                    }
                }
            });
        }
        return String.join(", ", left);
    }
}
