package ipsocket.impl.common;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SelectionKey;
import java.util.List;
import java.util.Set;

import ipsocket.api.SocketState;

/**
 * What a socket kind supplies to the one {@link ConnectionLifecycle}: how its channel opens,
 * connects, reads, writes and closes. Everything else (states, autoConnect and backoff, timeouts,
 * error reporting and its order, close and abort, option changes) is the lifecycle's.
 *
 * <p>Every method is called on the socket's loop thread, except {@link #closeRequested(boolean)}.
 * A transport reports back through the lifecycle: {@link ConnectionLifecycle#enterConnecting(long)},
 * {@link ConnectionLifecycle#connected}, {@link ConnectionLifecycle#connectFailed},
 * {@link ConnectionLifecycle#connectionLost} and {@link ConnectionLifecycle#finishClose()}.
 */
public interface Transport {

    /**
     * Returns the selection key of the open channel, for readiness dispatch.
     *
     * @return the key, or {@code null} while no channel is open
     */
    SelectionKey currentKey();

    /** Reads what the channel has; called when it is readable. */
    void onReadable();

    /** Writes what is queued; called when the channel is writable. */
    void onWritable();

    /**
     * Returns whether a channel is open: a connection, or a bound datagram channel.
     *
     * @return {@code true} while the socket holds an OS socket that a close must release
     */
    boolean hasChannel();

    /**
     * Returns whether a connection attempt may start in a state.
     *
     * @param state the state now
     * @return {@code true} if connectToHost() may start from it
     */
    boolean canConnectFrom(SocketState state);

    /**
     * Returns the state the socket rests in without a peer: Bound while a channel stays open.
     *
     * @return the resting state now
     */
    SocketState restingState();

    /**
     * Returns the properties that name the peer: a change moves the connection.
     *
     * @return the peer properties
     */
    List<PropertyDef<?>> peerProperties();

    /**
     * Returns the option table of this kind.
     *
     * @return the options
     */
    ChannelOptions options();

    /**
     * Applies one option to the open channel.
     *
     * @param definition an option property
     * @throws IOException if the operating system refuses the value
     */
    void applyOption(PropertyDef<?> definition) throws IOException;

    /** Prepares a new attempt: what an earlier connection left behind goes. */
    void prepareAttempt();

    /**
     * Connects to the resolved addresses of the current attempt. The transport calls
     * {@link ConnectionLifecycle#enterConnecting(long)} when it starts, then either
     * {@link ConnectionLifecycle#connected} or {@link ConnectionLifecycle#connectFailed}.
     *
     * @param attempt the attempt's id
     * @param addresses the addresses, in the order to try
     */
    void connect(long attempt, List<InetAddress> addresses);

    /**
     * Drops what was accepted for sending while an attempt that failed was being made.
     *
     * @return the number of bytes dropped (0 for kinds that accept nothing before connecting)
     */
    default long discardUnsent() {
        return 0;
    }

    /** Abandons a connect in progress; the lifecycle has moved on. */
    void cancelConnect();

    /**
     * Called on the caller's thread when the user closes or aborts, before the loop acts: stop
     * accepting writes now, and for an abort drop what is queued.
     *
     * @param graceful {@code false} for an abort
     */
    void closeRequested(boolean graceful);

    /**
     * Starts a graceful close of the open channel: Closing until every accepted byte is with the
     * OS, then {@link ConnectionLifecycle#finishClose()}.
     */
    void closeGracefully();

    /** Closes the channel at once, discarding what is queued; does nothing without a channel. */
    void closeChannel();

    /**
     * Leaves the peer but keeps the channel open (a datagram socket's virtual connection).
     *
     * @return {@code false} if this kind cannot, and leaving the peer means closing
     */
    boolean leavePeer();

    /**
     * Returns whether changed properties need a new channel (the local end of a bound channel).
     *
     * @param changed the properties that changed
     * @return {@code true} to close the channel and start over
     */
    boolean channelOutdated(Set<PropertyDef<?>> changed);

    /**
     * Reacts to changed properties beyond options and the endpoint (limits, group memberships).
     *
     * @param changed the properties that changed
     */
    void propertiesChanged(Set<PropertyDef<?>> changed);

    /**
     * Returns whether autoConnect should bind the socket even without a peer.
     *
     * @return {@code true} if a local end or something else asks for binding
     */
    default boolean wantsBinding() {
        return false;
    }

    /**
     * Opens and binds a channel without a peer.
     *
     * @throws IOException if the channel cannot be opened or bound
     */
    default void bind() throws IOException {
        throw new UnsupportedOperationException("this socket kind cannot be bound without a peer");
    }
}
