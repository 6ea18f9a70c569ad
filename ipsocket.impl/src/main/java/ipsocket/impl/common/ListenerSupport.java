package ipsocket.impl.common;

import java.lang.System.Logger.Level;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketListener;

/**
 * The listeners of one socket and the delivery of a signal to each, isolating failures: an
 * exception from one listener is logged and the others still get the signal.
 */
public final class ListenerSupport {
    private static final System.Logger LOG = System.getLogger(ListenerSupport.class.getName());

    private final CopyOnWriteArrayList<SocketListener> listeners = new CopyOnWriteArrayList<>();
    private final IpSocket socket;
    /** How many signals are being delivered right now (nested ones count); loop thread only. */
    private int delivering;

    /**
     * Creates the support for one socket.
     *
     * @param socket the socket named in log lines
     */
    public ListenerSupport(IpSocket socket) {
        this.socket = socket;
    }

    /**
     * Adds a listener unless present.
     *
     * @param listener the listener
     */
    public void add(SocketListener listener) {
        listeners.addIfAbsent(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener.
     *
     * @param listener the listener
     */
    public void remove(SocketListener listener) {
        listeners.remove(listener);
    }

    /**
     * Returns whether any listener is registered, so callers can skip building arguments.
     *
     * @return {@code true} if there is at least one listener
     */
    public boolean isEmpty() {
        return listeners.isEmpty();
    }

    /**
     * Delivers a signal to every listener.
     *
     * @param signal what to call on each listener
     */
    public void fire(Consumer<SocketListener> signal) {
        delivering++;
        try {
            deliver(signal);
        } finally {
            delivering--;
        }
    }

    /**
     * Returns whether a signal of this socket is being delivered; call on the loop thread.
     *
     * @return {@code true} while a listener of this socket runs
     */
    public boolean delivering() {
        return delivering > 0;
    }

    private void deliver(Consumer<SocketListener> signal) {
        for (SocketListener listener : listeners) {
            try {
                signal.accept(listener);
            } catch (RuntimeException | Error e) {
                // Errors too (a StackOverflowError in a listener): the loop thread carries every
                // socket on it and must survive any one listener.
                LOG.log(Level.WARNING, "A listener of socket '" + socket.getObjectId()
                        + "' failed; the socket carries on", e);
            }
        }
    }
}
