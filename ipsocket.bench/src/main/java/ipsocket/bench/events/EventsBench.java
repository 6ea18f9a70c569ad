package ipsocket.bench.events;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.bench.BenchMain;
import ipsocket.bench.Deadline;
import ipsocket.bench.Options;
import ipsocket.bench.Proto;
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
    static final String TX = "bench-tx";
    static final String RX = "bench-rx";
    static final String RX_DATA = "bench-rx-data";
    private static final String EVENT_ADMIN_BUNDLE = "org.apache.felix.eventadmin";

    /** One measured case. */
    enum Variant {
        TX_NOBRIDGE("tx_nobridge", true, false, false, false, false),
        RX_NOBRIDGE("rx_nobridge", false, false, false, false, false),
        TX_NOSUB("tx_nosub", true, true, false, false, false),
        TX_SUB("tx_sub", true, true, true, false, false),
        RX_NOSUB("rx_nosub", false, true, false, false, false),
        RX_SUB("rx_sub", false, true, true, false, false),
        RX_DATA_NOSUB("rx_data_nosub", false, true, false, true, false),
        RX_DATA_SUB("rx_data_sub", false, true, true, true, false),
        RX_SMALL_NOBRIDGE("rx_small_nobridge", false, false, false, true, true),
        RX_SMALL_NOSUB("rx_small_nosub", false, true, false, true, true),
        RX_SMALL_SUB("rx_small_sub", false, true, true, true, true);

        final String key;
        final boolean send;
        final boolean eventAdmin;
        final boolean subscriber;
        final boolean publishData;
        /** The peer sends in {@link #SMALL_WRITE}-byte writes: many small arrivals, one event pair each. */
        final boolean small;

        Variant(String key, boolean send, boolean eventAdmin, boolean subscriber, boolean publishData, boolean small) {
            this.key = key;
            this.send = send;
            this.eventAdmin = eventAdmin;
            this.subscriber = subscriber;
            this.publishData = publishData;
            this.small = small;
        }

        /** The variant a ratio is taken against: the same direction (and arrival size) without subscriber. */
        Variant base() {
            return send ? TX_NOSUB : small ? RX_SMALL_NOSUB : RX_NOSUB;
        }
    }

    /** Write size of the source peer in the small-arrival variants (a device sending short messages). */
    static final int SMALL_WRITE = 512;
    /** The small-arrival variants move this fraction of the bytes of the others (they are slower). */
    static final int SMALL_FRACTION = 16;

    private final EmbeddedFelix felix;
    private final Options options;
    private final InetSocketAddress sink;
    private final InetSocketAddress source;
    private final CountingHandler handler = new CountingHandler();
    private final TxListener txListener = new TxListener();
    private final RxListener rxListener = new RxListener();
    private final RxListener rxDataListener = new RxListener();
    private final List<ServiceReference<?>> used = new ArrayList<>();
    private TcpSocket tx;
    private TcpSocket rx;
    private TcpSocket rxData;
    private volatile EventAdmin eventAdmin;
    private ServiceReference<EventAdmin> eventAdminRef;
    private int runIds;
    private long toggleNanos;
    private int toggles;

    private EventsBench(EmbeddedFelix felix, Options options, InetSocketAddress sink, InetSocketAddress source) {
        this.felix = felix;
        this.options = options;
        this.sink = sink;
        this.source = source;
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
        return o.inProcess ? inProcess(o, out, notes) : forked(o, out, notes);
    }

    /**
     * Bytes per variant and run: {@code --mib} when given, else the mode's default capped at
     * 2 GiB (full mode: 11 variants would otherwise move 40 GiB per run).
     */
    static long bytes(Options o) {
        return o.mib != null ? o.bytes() : Math.min(o.bytes(), 2L << 30);
    }

    static final String THREADS_LEFT = "events: threads still alive after the framework stopped: ";
    static final String CHILD_RUN = "CHILD_RUN ";
    static final String CHILD_ERROR = "CHILD_ERROR ";
    static final String CHILD_NOTE = "CHILD_NOTE ";

    /**
     * Runs the mode in a child JVM (the default): the framework, its bundles' threads and
     * their heap come and go with it, and the runner's other modes stay outside OSGi.
     */
    static Result forked(Options o, PrintStream out, List<String> notes) {
        Result r = new Result("ipsocket", "events");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java));
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("ipsocket.bench.") || key.startsWith("org.apache.felix.eventadmin.")
                    || key.startsWith("bench.")) {
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(), "events-child",
                "--runs", String.valueOf(o.runs()), "--warmup", String.valueOf(o.warmupSecs()),
                "--mib", String.valueOf(bytes(o) >> 20), "--chunk", String.valueOf(o.chunk()),
                "--io-threads", String.valueOf(o.ioThreads())));
        if (o.verbose) {
            cmd.add("--verbose");
        }
        long limitMs = 120_000 + (o.runs() + 1L) * Variant.values().length * bytes(o) / 20_000;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread killer = new Thread(() -> {
                try {
                    if (!p.waitFor(limitMs, TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }, "events-child-timeout");
            killer.setDaemon(true);
            killer.start();
            StringBuilder other = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(CHILD_RUN)) {
                        r.addRun(parse(line.substring(CHILD_RUN.length())));
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
        Result r = inProcess(o, System.out, notes);
        // Threads the bundles leave behind end with this JVM: nothing to report.
        notes.removeIf(n -> n.startsWith(THREADS_LEFT));
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

    private static Map<String, Double> parse(String text) {
        Map<String, Double> v = new LinkedHashMap<>();
        for (String kv : text.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                v.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
            }
        }
        return v;
    }

    /** Runs the mode in this JVM. */
    static Result inProcess(Options o, PrintStream out, List<String> notes) {
        Result r = new Result("ipsocket", "events");
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (SinkPeer sinkPeer = new SinkPeer(0);
                SourcePeer sourcePeer = new SourcePeer(0, o.chunk());
                EmbeddedFelix felix = EmbeddedFelix.start()) {
            EventsBench b = new EventsBench(felix, o, sinkPeer.address(), sourcePeer.address());
            b.setUp();
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
            b.release();
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
            sleep(50);
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

    // ---- set-up ----------------------------------------------------------------------------

    private void setUp() throws Exception {
        BundleContext ctx = felix.context();
        Deadline d = Deadline.in(60_000, "events: framework set-up");
        ConfigurationAdmin ca = service(ctx, ConfigurationAdmin.class, null, d);
        Configuration loop = ca.getConfiguration(SocketPids.EVENT_LOOP, "?");
        loop.update(dict(SocketConfig.IO_THREADS, options.ioThreads()));
        configure(ca, TX, sink, false);
        configure(ca, RX, source, false);
        configure(ca, RX_DATA, source, true);
        felix.startImpl();
        tx = socket(ctx, TX, d);
        rx = socket(ctx, RX, d);
        rxData = socket(ctx, RX_DATA, d);
        bindEventAdmin(d);
        addListeners();
    }

    private static void configure(ConfigurationAdmin ca, String name, InetSocketAddress peer, boolean publishData)
            throws IOException {
        Configuration c = ca.getFactoryConfiguration(SocketPids.TCP_SOCKET, name, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(SocketConfig.OBJECT_ID, name);
        p.put(SocketConfig.HOSTNAME, peer.getAddress().getHostAddress());
        p.put(SocketConfig.PORT, peer.getPort());
        p.put(SocketConfig.AUTO_CONNECT, true);
        p.put(SocketConfig.PUBLISH_DATA, publishData);
        c.update(p);
    }

    private static Dictionary<String, Object> dict(String key, Object value) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(key, value);
        return p;
    }

    /** The configured socket's service once it is connected. */
    private TcpSocket socket(BundleContext ctx, String name, Deadline d) throws Exception {
        String filter = "(" + SocketConfig.OBJECT_ID + "=" + name + ")";
        TcpSocket s;
        try {
            s = service(ctx, TcpSocket.class, filter, d);
        } catch (TimeoutException e) {
            ServiceReference<?>[] any = ctx.getAllServiceReferences(TcpSocket.class.getName(), filter);
            throw new IllegalStateException(any == null ? "no TcpSocket service " + name + " registered (configuration"
                    + " not applied?)" : "TcpSocket service " + name + " is registered but its ipsocket.api is not"
                    + " the class path's (wiring)", e);
        }
        while (s.getState() != SocketState.CONNECTED) {
            if (d.expired()) {
                throw new TimeoutException("socket " + name + " did not connect: " + s.getState() + " "
                        + s.getError() + " " + s.getErrorString());
            }
            sleep(5);
        }
        return s;
    }

    private <T> T service(BundleContext ctx, Class<T> type, String filter, Deadline d)
            throws InvalidSyntaxException, TimeoutException {
        while (true) {
            Collection<ServiceReference<T>> refs = ctx.getServiceReferences(type, filter);
            if (!refs.isEmpty()) {
                ServiceReference<T> ref = refs.iterator().next();
                T s = ctx.getService(ref);
                if (s != null) {
                    used.add(ref);
                    return s;
                }
            }
            if (d.expired()) {
                throw new TimeoutException("no " + type.getSimpleName() + " service" + (filter != null ? " " + filter : ""));
            }
            sleep(5);
        }
    }

    private void bindEventAdmin(Deadline d) throws Exception {
        BundleContext ctx = felix.context();
        while (true) {
            ServiceReference<EventAdmin> ref = ctx.getServiceReference(EventAdmin.class);
            EventAdmin ea = ref == null ? null : ctx.getService(ref);
            if (ea != null && bridgeActive(ctx)) {
                eventAdminRef = ref;
                eventAdmin = ea;
                return;
            }
            if (ea != null) {
                ctx.ungetService(ref);
            }
            if (d.expired()) {
                throw new TimeoutException(ea == null ? "no EventAdmin service" : "ipsocket's event bridge is not active");
            }
            sleep(5);
        }
    }

    /** ipsocket's event bridge is there when ipsocket.impl has registered its WRITE handler. */
    private boolean bridgeActive(BundleContext ctx) throws InvalidSyntaxException {
        ServiceReference<?>[] refs = ctx.getServiceReferences(EventHandler.class.getName(),
                "(" + EventConstants.EVENT_TOPIC + "=" + SocketEvents.TCP_WRITE + ")");
        if (refs != null) {
            for (ServiceReference<?> ref : refs) {
                if (felix.bundle(EmbeddedFelix.IMPL).equals(ref.getBundle())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Our listeners go after the EventBridge's, so a run's marker follows its last READY_READ. */
    private void addListeners() {
        tx.removeListener(txListener);
        rx.removeListener(rxListener);
        rxData.removeListener(rxDataListener);
        tx.addListener(txListener);
        rx.addListener(rxListener);
        rxData.addListener(rxDataListener);
    }

    /**
     * Stops (or starts again) the EventAdmin bundle: without EventAdmin, ipsocket closes its
     * event bridge, which detaches from every socket, so no event is built.
     */
    private void setBridgeEnabled(boolean enabled) throws Exception {
        BundleContext ctx = felix.context();
        if (!enabled) {
            eventAdmin = null;
            if (eventAdminRef != null) {
                ctx.ungetService(eventAdminRef);
                eventAdminRef = null;
            }
            felix.bundle(EVENT_ADMIN_BUNDLE).stop();
        } else {
            felix.bundle(EVENT_ADMIN_BUNDLE).start();
        }
        Deadline d = Deadline.in(30_000, "events: event bridge " + (enabled ? "activation" : "deactivation"));
        if (enabled) {
            bindEventAdmin(d);
            addListeners();
        } else {
            while (bridgeActive(ctx)) {
                if (d.expired()) {
                    throw d.timeout();
                }
                sleep(5);
            }
        }
    }

    /** Gives the services back (the framework stops right after). */
    private void release() {
        BundleContext ctx = felix.context();
        for (ServiceReference<?> ref : used) {
            try {
                ctx.ungetService(ref);
            } catch (IllegalStateException ignored) {
                // framework stopping
            }
        }
        if (eventAdminRef != null) {
            try {
                ctx.ungetService(eventAdminRef);
            } catch (IllegalStateException ignored) {
                // framework stopping
            }
        }
    }

    // ---- one run ---------------------------------------------------------------------------

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
            var os = ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean
                    ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
        }
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

    /** What one variant did over the rounds of a run. */
    static final class Sample {
        long bytes;
        long wallNanos;
        long cpuNanos;
        long loopNanos;
        long eaNanos;
        long readyRead;
        long dataEvents;
        long dataBytes;
        long otherEvents;
        long eventWallNanos;
        long lagNanos;
        int transfers;

        long events() {
            return readyRead + dataEvents + otherEvents;
        }

        double mbps() {
            return bytes / 1e6 / (wallNanos / 1e9);
        }

        double cpuUsPerMb() {
            return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e3 / (bytes / 1e6);
        }

        double perMb(long nanos) {
            return nanos / 1e3 / (bytes / 1e6);
        }
    }

    /** Transfers per variant and run: short ones, interleaved, so that a disturbance hits every variant. */
    static int rounds(long bytes) {
        return (int) Math.max(1, Math.min(8, bytes / (128L << 20)));
    }

    /**
     * One run: {@code rounds} rounds, each with one transfer of {@code bytes / rounds} per
     * variant; the variants with EventAdmin in an order rotated every round, the two without
     * EventAdmin (one EventAdmin stop and start per round) first in even rounds and last in odd
     * ones, the start alternating between runs.
     */
    Map<String, Double> cycle(long bytes, boolean evenFirst) throws Exception {
        int rounds = rounds(bytes);
        long each = Math.max(1, bytes / rounds);
        List<Variant> withEa = new ArrayList<>();
        for (Variant v : Variant.values()) {
            if (v.eventAdmin) {
                withEa.add(v);
            }
        }
        Map<Variant, Sample> got = new LinkedHashMap<>();
        for (Variant v : Variant.values()) {
            got.put(v, new Sample());
        }
        for (int round = 0; round < rounds; round++) {
            boolean noBridgeFirst = (round % 2 == 0) == evenFirst;
            if (noBridgeFirst) {
                noBridge(each, got);
            }
            for (int i = 0; i < withEa.size(); i++) {
                Variant v = withEa.get((i + round) % withEa.size());
                measure(v, v.small ? Math.max(1, each / SMALL_FRACTION) : each, got.get(v));
            }
            if (!noBridgeFirst) {
                noBridge(each, got);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Variant v : Variant.values()) {
            out.put(v.key + "_MBps", got.get(v).mbps());
        }
        Sample rxBase = got.get(Variant.RX_NOSUB);
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
        out.put("bridge_toggle_ms", toggleNanos / 1e6 / toggles);
        toggleNanos = 0;
        toggles = 0;
        return out;
    }

    private void noBridge(long bytes, Map<Variant, Sample> got) throws Exception {
        long t0 = System.nanoTime();
        setBridgeEnabled(false);
        toggleNanos += System.nanoTime() - t0;
        try {
            measure(Variant.TX_NOBRIDGE, bytes, got.get(Variant.TX_NOBRIDGE));
            measure(Variant.RX_NOBRIDGE, bytes, got.get(Variant.RX_NOBRIDGE));
            measure(Variant.RX_SMALL_NOBRIDGE, Math.max(1, bytes / SMALL_FRACTION), got.get(Variant.RX_SMALL_NOBRIDGE));
        } finally {
            long t1 = System.nanoTime();
            setBridgeEnabled(true);
            toggleNanos += System.nanoTime() - t1;
            toggles++;
        }
    }

    /** One transfer of a variant, added to its sample. */
    private void measure(Variant v, long bytes, Sample sample) throws Exception {
        ServiceRegistration<EventHandler> reg = null;
        CountingHandler.Counts counts = null;
        if (v.subscriber) {
            counts = handler.begin(v.publishData && !v.send ? bytes : 0, !v.send);
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(EventConstants.EVENT_TOPIC, new String[] {SocketEvents.TCP_ALL_TOPICS, CountingHandler.MARK_TOPIC});
            reg = felix.context().registerService(EventHandler.class, handler, p);
        }
        Deadline d = Deadline.in(30_000 + bytes / 20_000, "events " + v.key + " of " + bytes + " bytes");
        try {
            Run run = new Run(++runIds, bytes, v.subscriber ? eventAdmin : null);
            Map<Long, Long> loop0 = threadCpu(true);
            Map<Long, Long> ea0 = threadCpu(false);
            long cpu0 = cpuNanos();
            if (v.send) {
                txListener.start(tx, run, options.chunk());
            } else {
                (v.publishData ? rxDataListener : rxListener).run = run;
                run.startNanos = System.nanoTime();
                (v.publishData ? rxData : rx).write(ByteBuffer.allocate(16).putLong(bytes)
                        .putLong(v.small ? SMALL_WRITE : options.chunk()).array());
            }
            await(run.done, d);
            long marked = counts != null ? await(counts.marked, d) : run.doneNanos;
            long cpu1 = cpuNanos();
            sample.loopNanos += cpuSince(loop0, threadCpu(true));
            sample.eaNanos += cpuSince(ea0, threadCpu(false));
            sample.bytes += bytes;
            sample.wallNanos += run.doneNanos - run.startNanos;
            sample.cpuNanos = cpu0 < 0 || sample.cpuNanos < 0 ? -1 : sample.cpuNanos + (cpu1 - cpu0);
            sample.transfers++;
            if (counts != null) {
                sample.eventWallNanos += marked - run.startNanos;
                sample.lagNanos += marked - run.doneNanos;
                sample.readyRead += counts.readyRead.get();
                sample.dataEvents += counts.dataReceived.get();
                sample.dataBytes += counts.dataBytes.get();
                sample.otherEvents += counts.other.get();
                if (!v.send && counts.readyRead.get() == 0) {
                    throw new IllegalStateException(v.key + ": the subscriber got no READY_READ event (EventAdmin wiring?)");
                }
                if (v.publishData && counts.dataBytes.get() != bytes) {
                    throw new IllegalStateException(v.key + ": DATA_RECEIVED events carried " + counts.dataBytes.get()
                            + " bytes, the socket received " + bytes);
                }
                if (!v.publishData && counts.dataReceived.get() != 0) {
                    throw new IllegalStateException(v.key + ": DATA_RECEIVED events although publishData is off");
                }
            }
        } finally {
            txListener.run = null;
            rxListener.run = null;
            rxDataListener.run = null;
            if (reg != null) {
                reg.unregister();
            }
        }
    }

    private static <T> T await(CompletableFuture<T> f, Deadline d) throws Exception {
        try {
            return f.get(d.waitMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw d.timeout();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One transfer: its size, its times, its end, and the EventAdmin to post the marker to. */
    static final class Run {
        final int id;
        final long bytes;
        final EventAdmin markTo;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long startNanos;
        volatile long doneNanos;

        Run(int id, long bytes, EventAdmin markTo) {
            this.id = id;
            this.bytes = bytes;
            this.markTo = markTo;
        }

        /** On the loop thread, after the last byte: note the time, post the marker, finish. */
        void finish() {
            doneNanos = System.nanoTime();
            if (markTo != null) {
                try {
                    markTo.postEvent(new Event(CountingHandler.MARK_TOPIC, Map.of("run", id)));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                    return;
                }
            }
            done.complete(null);
        }

        void fail(Throwable t) {
            done.completeExceptionally(t);
        }
    }

    /** Fails the current run on a socket error or disconnect. */
    abstract static class RunListener implements SocketListener {
        volatile Run run;

        @Override
        public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
            Run r = run;
            if (r != null) {
                r.fail(new IOException(socket.getObjectId() + ": " + error + ": " + errorString));
            }
        }

        @Override
        public void disconnected(IpSocket socket) {
            Run r = run;
            if (r != null) {
                r.fail(new IOException(socket.getObjectId() + " disconnected"));
            }
        }
    }

    /** Bulk send, as tcp-throughput's ipsocket client: 64 KiB writes continued from bytesWritten on the loop thread. */
    static final class TxListener extends RunListener {
        private ByteBuffer data = ByteBuffer.allocate(0);
        private long notStarted;

        void start(TcpSocket s, Run r, int chunk) {
            synchronized (this) {
                if (data.capacity() != chunk) {
                    data = ByteBuffer.wrap(Proto.pattern(chunk));
                }
                data.limit(0);
                notStarted = r.bytes;
                run = r;
                r.startNanos = System.nanoTime();
                // Only the header from this thread: its bytesWritten starts the pump on the loop
                // thread, where a gateway bundle writes from (and where tcp-throughput's client does).
                if (s.write(Proto.longBytes(r.bytes)) != 8) {
                    r.fail(new IOException("header write refused: " + s.getErrorString()));
                }
            }
        }

        @Override
        public void bytesWritten(IpSocket s, long n) {
            Run r = run;
            if (r != null) {
                synchronized (this) {
                    pump(s, r);
                }
            }
        }

        /** Offers 64 KiB writes until the write buffer takes no more. */
        private void pump(IpSocket s, Run r) {
            int chunk = data.capacity();
            while (data.hasRemaining() || notStarted > 0) {
                if (!data.hasRemaining()) {
                    int n = (int) Math.min(chunk, notStarted);
                    data.clear().limit(n);
                    notStarted -= n;
                }
                long accepted = s.write(data);
                if (accepted <= 0) {
                    if (accepted < 0) {
                        r.fail(new IOException("write refused: " + s.getErrorString()));
                    }
                    return;
                }
            }
        }

        @Override
        public void readyRead(IpSocket s) {
            byte[] in = s.readAll();
            Run r = run;
            if (r == null || in.length == 0) {
                return;
            }
            if (in.length != 1 || in[0] != Proto.ACK) {
                r.fail(new IOException("sink answered " + in.length + " bytes starting with " + in[0]));
            } else {
                r.finish();
            }
        }
    }

    /** Bulk receive: the application takes every arrival with readAll(). */
    static final class RxListener extends RunListener {
        private long received;
        private Run counting;

        @Override
        public void readyRead(IpSocket s) {
            byte[] in = s.readAll();
            Run r = run;
            if (r == null) {
                return;
            }
            if (counting != r) {
                counting = r;
                received = 0;
            }
            received += in.length;
            if (received == r.bytes) {
                r.finish();
            } else if (received > r.bytes) {
                r.fail(new IOException("received " + received + " bytes, expected " + r.bytes));
            }
        }
    }
}
