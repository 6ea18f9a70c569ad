package ipsocket.impl.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test opened, closed in reverse order: every entry is closed even when an earlier one
 * fails, and the first failure is thrown with the others suppressed.
 */
public final class Cleanups implements AutoCloseable {

    private final Deque<AutoCloseable> stack = new ArrayDeque<>();

    /**
     * Registers something to close, before what was registered earlier.
     *
     * @param <T> its type
     * @param closeable what to close
     * @return the same object
     */
    public <T extends AutoCloseable> T push(T closeable) {
        stack.push(closeable);
        return closeable;
    }

    /**
     * Closes one registered object now, for a test that measures what closing it gives back,
     * and forgets it.
     *
     * @param closeable an object registered with {@link #push}
     * @throws IllegalStateException wrapping what closing it threw, if that was checked
     */
    public void closeNow(AutoCloseable closeable) {
        stack.remove(closeable);
        try {
            closeable.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing " + closeable + " failed", e);
        }
    }

    /**
     * Closes everything registered, the latest first.
     *
     * @throws Exception the first failure, the others suppressed in it
     */
    @Override
    public void close() throws Exception {
        Throwable first = null;
        while (!stack.isEmpty()) {
            try {
                stack.pop().close();
            } catch (Exception | AssertionError e) {
                first = collect(first, e);
            }
        }
        rethrow(first);
    }

    /**
     * Keeps the first failure and adds later ones to it as suppressed.
     *
     * @param first the failure so far, or {@code null}
     * @param next a new failure
     * @return the failure to report
     */
    static Throwable collect(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /**
     * Throws a collected failure, if any, as it is (an exception or an assertion error).
     *
     * @param failure the failure, or {@code null}
     * @throws Exception the failure
     */
    static void rethrow(Throwable failure) throws Exception {
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }
}
