package ipsocket.impl.common;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketState;

/**
 * A socket's state, error and errorString, and the one place where they change and are
 * signalled, in one order for every socket kind.
 *
 * <p>Changes happen on the socket's loop thread; the getters read volatile fields and may be
 * called from anywhere.
 */
public final class SocketStatus {
    /** The socket: its loop and listeners are asked for, not kept twice (thousands of sockets). */
    private final AbstractIpSocket socket;

    private volatile SocketState state = SocketState.DISCONNECTED;
    private volatile SocketError error = SocketError.NO_ERROR;
    private volatile String errorString = "";
    private volatile String deviceErrorString = "";

    /**
     * Creates the status of a disconnected socket without error.
     *
     * @param socket the socket the signals name, whose loop and listeners it uses
     */
    public SocketStatus(AbstractIpSocket socket) {
        this.socket = socket;
    }

    /**
     * Returns the state.
     *
     * @return the state now
     */
    public SocketState state() {
        return state;
    }

    /**
     * Returns the last error.
     *
     * @return the error
     */
    public SocketError error() {
        return error;
    }

    /**
     * Returns the description of the last error.
     *
     * @return the text, empty without error
     */
    public String errorString() {
        return errorString;
    }

    /**
     * Returns the last device-level error text (a refused read or write).
     *
     * @return the text, empty if none
     */
    public String deviceErrorString() {
        return deviceErrorString;
    }

    /**
     * Moves to a state and signals it, if it differs; call on the loop thread.
     *
     * @param next the new state
     */
    public void changeState(SocketState next) {
        if (state != next) {
            state = next;
            socket.listeners().fire(listener -> listener.stateChanged(socket, next));
        }
    }

    /**
     * Records and signals an error; call on the loop thread. The error and errorString
     * properties signal a change only when their value differs; errorOccurred always.
     *
     * @param newError the error
     * @param text the human-readable description
     */
    public void reportError(SocketError newError, String text) {
        recordError(newError, text).run();
    }

    /**
     * Ends in a state because of an error, in Qt's order: the error is recorded first (so
     * {@code getError()} is right in every signal), then stateChanged, then errorOccurred (so a
     * listener that reacts to the error sees the final state); call on the loop thread.
     *
     * @param newError the error
     * @param text the human-readable description
     * @param next the state the error leaves the socket in
     */
    public void failInto(SocketError newError, String text, SocketState next) {
        Runnable signals = recordError(newError, text);
        changeState(next);
        signals.run();
    }

    /** Stores a new error and returns what signals it: the property changes, then errorOccurred. */
    private Runnable recordError(SocketError newError, String text) {
        SocketError oldError = error;
        String oldText = errorString;
        error = newError;
        errorString = text;
        return () -> {
            if (oldError != newError) {
                firePropertyChanged("error", oldError, newError);
            }
            if (!oldText.equals(text)) {
                firePropertyChanged("errorString", oldText, text);
            }
            socket.listeners().fire(listener -> listener.errorOccurred(socket, newError, text));
        };
    }

    /**
     * Reports an error from any thread: at once on the loop thread, otherwise queued.
     *
     * @param newError the error
     * @param text the description
     */
    public void reportErrorFromAnyThread(SocketError newError, String text) {
        if (socket.loop().inLoop()) {
            reportError(newError, text);
        } else {
            socket.loop().execute(() -> reportError(newError, text));
        }
    }

    /**
     * Records a device-level error text (IoDevice deviceErrorString) and reports the error,
     * from any thread.
     *
     * @param newError the error
     * @param text the description
     */
    public void reportDeviceError(SocketError newError, String text) {
        deviceErrorString = text;
        reportErrorFromAnyThread(newError, text);
    }

    /**
     * Signals a property change to the listeners; call on the loop thread.
     *
     * @param name the property name
     * @param oldValue the old value
     * @param newValue the new value
     */
    public void firePropertyChanged(String name, Object oldValue, Object newValue) {
        socket.listeners().fire(listener -> listener.propertyChanged(socket, name, oldValue, newValue));
    }
}
