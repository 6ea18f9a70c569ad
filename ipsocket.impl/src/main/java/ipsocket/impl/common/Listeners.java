package ipsocket.impl.common;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The listeners of one object (a socket, a server) and the delivery of a signal to each, isolating
 * failures: an exception from one listener is logged and the others still get the signal.
 *
 * <p>The listeners are an array replaced whole on each change (copy on write, by hand): a signal
 * iterates a snapshot without allocating, and an idle socket pays for no list object, lock or
 * iterator (a {@code CopyOnWriteArrayList} costs about 60 bytes per socket before it holds
 * anything; a gateway holds thousands).
 *
 * @param <L> the listener type
 */
public abstract class Listeners<L> {
    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());
    private static final Object[] NONE = {};

    /** The listeners; replaced, never changed in place. Changed under this object's monitor. */
    private volatile Object[] listeners = NONE;
    /** How many signals are being delivered right now (nested ones count); loop thread only. */
    private int delivering;

    /**
     * Names the object the listeners listen to, for log lines.
     *
     * @return such as {@code socket 'plc1'}
     */
    protected abstract String owner();

    /**
     * Adds a listener unless present.
     *
     * @param listener the listener
     */
    public final void add(L listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            Object[] current = listeners;
            if (indexOf(current, listener) >= 0) {
                return;
            }
            Object[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = listener;
            listeners = next;
        }
    }

    /**
     * Removes a listener.
     *
     * @param listener the listener
     */
    public final void remove(L listener) {
        synchronized (this) {
            Object[] current = listeners;
            int at = indexOf(current, listener);
            if (at < 0) {
                return;
            }
            Object[] next = current.length == 1 ? NONE : new Object[current.length - 1];
            System.arraycopy(current, 0, next, 0, at);
            System.arraycopy(current, at + 1, next, at, current.length - at - 1);
            listeners = next;
        }
    }

    private static int indexOf(Object[] array, Object listener) {
        for (int i = 0; i < array.length; i++) {
            if (array[i].equals(listener)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Returns whether any listener is registered, so callers can skip building arguments.
     *
     * @return {@code true} if there is at least one listener
     */
    public final boolean isEmpty() {
        return listeners.length == 0;
    }

    /**
     * Delivers a signal to every listener.
     *
     * @param signal what to call on each listener
     */
    public final void fire(Consumer<L> signal) {
        delivering++;
        try {
            deliver(signal);
        } finally {
            delivering--;
        }
    }

    /**
     * Returns whether a signal is being delivered; call on the loop thread.
     *
     * @return {@code true} while a listener runs
     */
    public final boolean delivering() {
        return delivering > 0;
    }

    @SuppressWarnings("unchecked") // only add(L) puts elements in the array
    private void deliver(Consumer<L> signal) {
        for (Object listener : listeners) {
            try {
                signal.accept((L) listener);
            } catch (RuntimeException | Error e) {
                // Errors too (a StackOverflowError in a listener): the loop thread carries every
                // socket on it and must survive any one listener.
                LOG.log(Level.WARNING, "A listener of " + owner() + " failed; it carries on", e);
            }
        }
    }
}
