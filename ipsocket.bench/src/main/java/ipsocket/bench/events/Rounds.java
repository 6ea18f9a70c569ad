package ipsocket.bench.events;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import ipsocket.api.SocketEvents;
import ipsocket.bench.Deadline;
import ipsocket.bench.Options;

/**
 * The runs of the events mode: each a number of rounds of one transfer per variant, and the
 * transfer itself with its CPU, event and data checks.
 */
final class Rounds {
    private final EventsFramework framework;
    private final Options options;
    private final CountingHandler handler = new CountingHandler();
    private int runIds;
    private long toggleNanos;
    private int toggles;

    Rounds(EventsFramework framework, Options options) {
        this.framework = framework;
        this.options = options;
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
                measure(v, v.small ? Math.max(1, each / Variant.SMALL_FRACTION) : each, got.get(v));
            }
            if (!noBridgeFirst) {
                noBridge(each, got);
            }
        }
        Map<String, Double> out = Figures.of(got, rounds);
        out.put("bridge_toggle_ms", toggleNanos / 1e6 / toggles);
        toggleNanos = 0;
        toggles = 0;
        return out;
    }

    private void noBridge(long bytes, Map<Variant, Sample> got) throws Exception {
        long t0 = System.nanoTime();
        framework.setBridgeEnabled(false);
        toggleNanos += System.nanoTime() - t0;
        try {
            measure(Variant.TX_NOBRIDGE, bytes, got.get(Variant.TX_NOBRIDGE));
            measure(Variant.RX_NOBRIDGE, bytes, got.get(Variant.RX_NOBRIDGE));
            measure(Variant.RX_SMALL_NOBRIDGE, Math.max(1, bytes / Variant.SMALL_FRACTION), got.get(Variant.RX_SMALL_NOBRIDGE));
        } finally {
            long t1 = System.nanoTime();
            framework.setBridgeEnabled(true);
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
            reg = framework.felix.context().registerService(EventHandler.class, handler, p);
        }
        Deadline d = Deadline.in(30_000 + bytes / 20_000, "events " + v.key + " of " + bytes + " bytes");
        try {
            Run run = new Run(++runIds, bytes, v.subscriber ? framework.eventAdmin : null);
            Map<Long, Long> loop0 = ThreadCpu.threadCpu(true);
            Map<Long, Long> ea0 = ThreadCpu.threadCpu(false);
            long cpu0 = ThreadCpu.cpuNanos();
            if (v.send) {
                framework.txListener.start(framework.tx, run, options.chunk());
            } else {
                (v.publishData ? framework.rxDataListener : framework.rxListener).run = run;
                run.startNanos = System.nanoTime();
                (v.publishData ? framework.rxData : framework.rx).write(ByteBuffer.allocate(16).putLong(bytes)
                        .putLong(v.small ? Variant.SMALL_WRITE : options.chunk()).array());
            }
            d.await(run.done);
            long marked = counts != null ? d.await(counts.marked) : run.doneNanos;
            long cpu1 = ThreadCpu.cpuNanos();
            sample.loopNanos += ThreadCpu.cpuSince(loop0, ThreadCpu.threadCpu(true));
            sample.eaNanos += ThreadCpu.cpuSince(ea0, ThreadCpu.threadCpu(false));
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
            framework.txListener.run = null;
            framework.rxListener.run = null;
            framework.rxDataListener.run = null;
            if (reg != null) {
                reg.unregister();
            }
        }
    }

}
