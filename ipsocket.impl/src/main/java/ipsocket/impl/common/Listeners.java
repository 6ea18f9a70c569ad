package ipsocket.impl.common;

import java.lang.System.Logger.Level;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of one object (a socket, a server) and the delivery of a signal to each, isolating
 * failures: an exception from one listener is logged and the others still get the signal.
 *
 * @param <L> the listener type
 */
public abstract class Listeners<L> {
    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

    private final CopyOnWriteArrayList<L> listeners = new CopyOnWriteArrayList<>();
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
        listeners.addIfAbsent(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener.
     *
     * @param listener the listener
     */
    public final void remove(L listener) {
        listeners.remove(listener);
    }

    /**
     * Returns whether any listener is registered, so callers can skip building arguments.
     *
     * @return {@code true} if there is at least one listener
     */
    public final boolean isEmpty() {
        return listeners.isEmpty();
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

    private void deliver(Consumer<L> signal) {
        for (L listener : listeners) {
            try {
                signal.accept(listener);
            } catch (RuntimeException | Error e) {
                // Errors too (a StackOverflowError in a listener): the loop thread carries every
                // socket on it and must survive any one listener.
                LOG.log(Level.WARNING, "A listener of " + owner() + " failed; it carries on", e);
            }
        }
    }
}
