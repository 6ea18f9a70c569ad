package ipsocket.impl.loop;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared I/O threads of ipsocket: a fixed set of {@link EventLoop}s, handed out round-robin
 * to sockets, plus a small pool for blocking host-name lookups.
 *
 * <p>Threads are named {@code ipsocket-io-N}, {@code ipsocket-resolver-N} and {@code ipsocket-tls-N}
 * (TLS engines' delegated tasks). The resolver pool
 * keeps no idle thread for long, and {@link #close()} stops every thread and closes every
 * channel still registered.
 */
public final class EventLoopGroup implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventLoopGroup.class.getName());

    /** Threads running TLS engines' delegated tasks (certificate checks, key exchange). */
    static final int TLS_TASK_THREADS = 2;
    /** Most TLS tasks waiting; beyond that a handshake fails rather than queueing without bound. */
    static final int TLS_TASK_QUEUE = 4096;

    /** Most concurrent host lookups; more wait in the queue. */
    static final int RESOLVER_THREADS = 4;

    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    private final List<EventLoop> loops;
    private final ThreadPoolExecutor resolver;
    private final ThreadPoolExecutor tlsTasks;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * Starts a group.
     *
     * @param ioThreads the number of I/O threads, 1 to 64
     * @throws IllegalArgumentException if {@code ioThreads} is out of range
     */
    public EventLoopGroup(int ioThreads) {
        if (ioThreads < 1 || ioThreads > 64) {
            throw new IllegalArgumentException("ioThreads " + ioThreads + " is out of range 1 to 64");
        }
        int group = GROUP_IDS.incrementAndGet();
        String suffix = group == 1 ? "" : "-g" + group;
        List<EventLoop> created = new ArrayList<>(ioThreads);
        for (int i = 1; i <= ioThreads; i++) {
            EventLoop loop = new EventLoop("ipsocket-io-" + i + suffix);
            created.add(loop);
            loop.start();
        }
        this.loops = List.copyOf(created);
        AtomicInteger resolverIds = new AtomicInteger();
        this.resolver = new ThreadPoolExecutor(RESOLVER_THREADS, RESOLVER_THREADS, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task,
                            "ipsocket-resolver-" + resolverIds.incrementAndGet() + suffix);
                    thread.setDaemon(true);
                    return thread;
                });
        this.resolver.allowCoreThreadTimeOut(true);
        AtomicInteger tlsIds = new AtomicInteger();
        this.tlsTasks = new ThreadPoolExecutor(TLS_TASK_THREADS, TLS_TASK_THREADS, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(TLS_TASK_QUEUE), task -> {
                    Thread thread = new Thread(task, "ipsocket-tls-" + tlsIds.incrementAndGet() + suffix);
                    thread.setDaemon(true);
                    return thread;
                });
        this.tlsTasks.allowCoreThreadTimeOut(true);
    }

    /**
     * Returns the executor that runs the delegated tasks of TLS engines off the loops (bounded:
     * a full queue rejects a task).
     *
     * @return the TLS task executor
     */
    public Executor tlsTasks() {
        return tlsTasks;
    }

    /**
     * Returns the loop for the next socket, round-robin.
     *
     * @return a loop of this group
     */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * Returns the executor that runs blocking host-name lookups.
     *
     * @return the resolver executor
     */
    public Executor resolver() {
        return resolver;
    }

    /**
     * Returns the number of I/O threads.
     *
     * @return the I/O thread count
     */
    public int threadCount() {
        return loops.size();
    }

    /**
     * Stops every thread of the group and closes every channel still registered, waiting up to
     * a few seconds for the threads to end.
     */
    @Override
    public void close() {
        resolver.shutdownNow();
        tlsTasks.shutdownNow();
        loops.forEach(EventLoop::shutdown);
        try {
            for (EventLoop loop : loops) {
                if (!loop.awaitTermination(5_000)) {
                    LOG.log(Level.WARNING, "Event loop " + loop.name() + " did not stop within 5 s");
                }
            }
            if (!tlsTasks.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "A TLS task did not end within 5 s; its thread is left to finish");
            }
            if (!resolver.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "A host lookup did not end within 5 s; its thread is left to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
