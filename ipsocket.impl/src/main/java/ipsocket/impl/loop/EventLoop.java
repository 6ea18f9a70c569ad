package ipsocket.impl.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import ipsocket.impl.io.ChunkCache;

/**
 * One I/O thread owning one {@link Selector}: runs channel handlers, submitted tasks and timers.
 *
 * <p>Sockets change state only on their loop's thread, so they need no locks for it. Tasks
 * submitted from other threads wake the selector at most once per loop iteration; tasks
 * submitted from the loop thread itself run later in the same iteration without a wake-up.
 *
 * <p>Order: the loop thread's own tasks run in the order it submitted them, on a queue of
 * their own that allocates nothing per task (a socket written to from its own listener queues
 * a bytesWritten report per write); other threads' tasks run in the order they were submitted.
 * Each iteration runs the loop's own tasks first: they come from handlers that ran before
 * anything a thread those handlers woke could submit (a listener completes a future, the
 * waiting thread reconnects: the loop's close must come first). A task from another thread
 * that was queued before the handlers ran may therefore run after their tasks; no handler
 * depends on such a task, which had not run when it was called.
 */
public final class EventLoop {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    /** Size of the per-loop direct buffer that channel reads go through. */
    static final int READ_BUFFER_SIZE = 64 * 1024;
    /** Arrays the chunk cache keeps at most (256 KiB per loop): the heap a loop holds for reuse stays small. */
    private static final int CHUNKS_KEPT = 4;
    /** How often a caller waiting for the loop checks that it still runs. */
    private static final long LOOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Fewer cancelled timers than this are never purged (not worth a pass over the queue). */
    private static final int MIN_TIMERS_TO_PURGE = 64;

    private final Selector selector;
    private final Thread thread;
    /** Tasks from other threads. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks the loop thread submitted itself; loop thread only. */
    private final ArrayDeque<Runnable> ownTasks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Cancelled timers still in {@link #timers}; loop thread only. */
    private int cancelledTimers;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    /** Full-size arrays that readers on this thread drained, for the next arrivals. */
    private final ChunkCache chunkCache = new ChunkCache(READ_BUFFER_SIZE, CHUNKS_KEPT);
    /** Made once: a method reference written at the call would be a new object per selection. */
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private volatile boolean running = true;
    private long timerSequence;
    /** True while handlers run inside a selection operation, where the selector cannot select again. */
    private boolean dispatching;
    /** A channel was closed while dispatching: flush its deregistration before anything else runs. */
    private boolean closedWhileDispatching;

    EventLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a selector for " + name, e);
        }
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Returns whether the caller runs on this loop's thread.
     *
     * @return {@code true} on the loop thread
     */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Returns whether the loop still runs tasks (it has not been shut down).
     *
     * @return {@code true} until shutdown
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * Waits until work handed to this loop is done: at most {@code timeoutMillis}, and no longer
     * than the loop runs (a task queued on a loop that has shut down never runs). Call from
     * another thread.
     *
     * @param done completed by the work
     * @param timeoutMillis the longest wait
     * @return {@code true} if the work is done
     */
    public boolean await(Future<?> done, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            while (!done.isDone() && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    done.get(Math.min(left, LOOP_CHECK_NANOS), TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException nextSliceOrDone) {
                    // waits in slices, so a loop shut down meanwhile does not hold the caller
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return done.isDone();
    }

    /**
     * Runs a task on the loop thread: later in the current iteration when called from the loop,
     * otherwise as soon as the loop wakes up. Tasks submitted after shutdown are dropped.
     *
     * @param task the task
     */
    public void execute(Runnable task) {
        if (inLoop()) {
            ownTasks.add(task);
            return;
        }
        tasks.add(task);
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * Runs a task on the loop thread after a delay; call on the loop thread.
     *
     * @param delayMillis the delay in milliseconds
     * @param task the task
     * @return a handle to cancel the task
     */
    public Timer schedule(long delayMillis, Runnable task) {
        assert inLoop();
        Timer timer = new Timer(this, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis),
                timerSequence++, task);
        timers.add(timer);
        return timer;
    }

    /**
     * Registers a channel with this loop's selector; call on the loop thread.
     *
     * @param channel a non-blocking channel
     * @param ops the interest set
     * @param handler the handler called on readiness
     * @return the selection key
     * @throws ClosedChannelException if the channel is closed
     */
    public SelectionKey register(SelectableChannel channel, int ops, ChannelHandler handler)
            throws ClosedChannelException {
        assert inLoop();
        return channel.register(selector, ops, handler);
    }

    /**
     * Closes a registered channel so that its descriptor, and the address it was bound to, are
     * released now: the JDK closes the descriptor of a registered channel only when the
     * selector has deregistered its key. Outside a selection this happens at once; when called
     * from a channel handler, as soon as the handlers of this round have run, before any task
     * or timer. Call on the loop thread.
     *
     * @param key the channel's key, or {@code null} if it is not registered
     * @param channel the channel to close
     */
    public void close(SelectionKey key, SelectableChannel channel) {
        assert inLoop();
        if (key != null) {
            key.cancel();
        }
        closeQuietly(channel);
        if (key == null) {
            return;
        }
        if (dispatching) {
            closedWhileDispatching = true;
        } else {
            flushDeregistrations();
        }
    }

    private void flushDeregistrations() {
        try {
            // Readiness is level-triggered: what this selection skips is reported again next time.
            selector.selectNow(ignored -> { });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot flush closed channels on " + name(), e);
        }
        // selectNow() also cleared a wake-up another thread may have asked for after queueing a
        // task; that thread will not ask again while wakeupPending is set, so ask on its behalf.
        if (wakeupPending.get()) {
            selector.wakeup();
        }
    }

    /**
     * Returns the loop's shared direct read buffer, cleared; valid only on the loop thread and
     * only until the caller returns.
     *
     * @return the buffer
     */
    public ByteBuffer sharedReadBuffer() {
        assert inLoop();
        return readBuffer.clear();
    }

    /**
     * Returns the loop's cache of read-buffer-sized arrays: arrivals of up to
     * {@link #READ_BUFFER_SIZE} bytes are read into them, and readers that copy chunks out on this
     * thread give them back.
     * Loop thread only.
     *
     * @return the cache
     */
    public ChunkCache chunkCache() {
        assert inLoop();
        return chunkCache;
    }

    /**
     * Returns the name of the loop's thread.
     *
     * @return the thread name
     */
    public String name() {
        return thread.getName();
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

    boolean awaitTermination(long timeoutMillis) throws InterruptedException {
        if (inLoop()) {
            return false;
        }
        return terminated.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            while (running) {
                dispatching = true;
                try {
                    if (tasks.isEmpty() && ownTasks.isEmpty()) {
                        selector.select(dispatcher, selectTimeoutMillis());
                    } else {
                        selector.selectNow(dispatcher);
                    }
                } finally {
                    dispatching = false;
                }
                if (closedWhileDispatching) {
                    closedWhileDispatching = false;
                    flushDeregistrations();
                }
                if (wakeupPending.get()) {
                    wakeupPending.set(false); // a volatile store per iteration only when a wake-up came
                }
                runTimers();
                runTasks();
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(Level.ERROR, "Event loop " + name() + " stopped by an unexpected failure", e);
        } finally {
            closeAll();
            terminated.countDown();
        }
    }

    private void dispatch(SelectionKey key) {
        ChannelHandler handler = (ChannelHandler) key.attachment();
        try {
            handler.onReady(key);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "Channel handler failed on " + name() + "; the loop carries on", e);
        }
    }

    private long selectTimeoutMillis() {
        Timer next = timers.peek();
        if (next == null) {
            return 0; // 0 = block until woken
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(next.deadlineNanos() - System.nanoTime() + 999_999);
        return Math.max(1, millis);
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer timer;
        while ((timer = timers.peek()) != null && timer.deadlineNanos() - now <= 0) {
            timers.poll();
            if (timer.isCancelled()) {
                cancelledTimers--;
            } else {
                safely(timer.take());
            }
        }
    }

    /**
     * Returns how many timers wait in the queue, cancelled ones included; for tests, on the loop.
     *
     * @return the queue's size
     */
    int queuedTimers() {
        return timers.size();
    }

    /** Counts a cancelled timer; purges them once they are half the queue (amortized O(1)). */
    void timerCancelled() {
        cancelledTimers++;
        if (cancelledTimers > MIN_TIMERS_TO_PURGE && cancelledTimers * 2 > timers.size()) {
            timers.removeIf(Timer::isCancelled);
            cancelledTimers = 0;
        }
    }

    private void runTasks() {
        // Run what is queued now; tasks added meanwhile run in the next iteration, so a task
        // that resubmits itself cannot starve the selector. The loop's own first (see the class
        // comment on order).
        for (int pending = ownTasks.size(); pending > 0; pending--) {
            safely(ownTasks.poll());
        }
        for (int pending = tasks.size(); pending > 0; pending--) {
            Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            safely(task);
        }
    }

    private void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "Task failed on " + name() + "; the loop carries on", e);
        }
    }

    private void closeAll() {
        runTasks();
        for (SelectionKey key : new ArrayList<>(selector.keys())) {
            Object attachment = key.attachment();
            if (attachment instanceof ChannelHandler) {
                try {
                    ((ChannelHandler) attachment).onLoopShutdown();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.WARNING, "Handler failed during shutdown of " + name(), e);
                }
            }
            closeQuietly(key.channel());
        }
        tasks.clear();
        ownTasks.clear();
        timers.clear();
        cancelledTimers = 0;
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot close the selector of " + name(), e);
        }
    }

    private static void closeQuietly(SelectableChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Closing a channel failed", e);
        }
    }
}
