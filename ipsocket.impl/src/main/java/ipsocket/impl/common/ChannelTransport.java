package ipsocket.impl.common;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.List;

import ipsocket.impl.loop.EventLoop;

/**
 * What every transport over one selectable channel has: the channel and its key, and options
 * applied to or read from the live channel.
 *
 * @param <S> the socket type
 * @param <C> the channel type
 */
public abstract class ChannelTransport<S extends AbstractIpSocket, C extends SelectableChannel & NetworkChannel>
        implements Transport {
    /** The socket the transport carries. */
    protected final S socket;
    private final Kind kind;
    /** The open channel; {@code null} while none is open. */
    protected C channel;
    /** The channel's selection key; {@code null} while no channel is open. */
    protected SelectionKey key;

    /**
     * Creates the transport of a socket. A transport holds no more than it must (a gateway holds
     * thousands of idle sockets): the loop and the lifecycle come from the socket, the option table
     * and the peer properties from the kind, one object for all its sockets.
     *
     * @param socket the socket
     * @param kind the option table and peer properties of the transport's kind
     */
    protected ChannelTransport(S socket, Kind kind) {
        this.socket = socket;
        this.kind = kind;
    }

    /**
     * Returns the socket this transport carries, for its parts (input, output) that keep no
     * reference of their own.
     *
     * @return the socket
     */
    public final S socket() {
        return socket;
    }

    /**
     * What every transport of one kind shares: its option table and the properties that name its
     * peer (a change of one moves the connection).
     *
     * @param options the option table
     * @param peerProperties the peer properties
     */
    public record Kind(ChannelOptions options, List<PropertyDef<?>> peerProperties) {
        /**
         * Creates a kind.
         *
         * @param options the option table
         * @param peerProperties the peer properties, copied
         */
        public Kind {
            peerProperties = List.copyOf(peerProperties);
        }
    }

    @Override
    public final ChannelOptions options() {
        return kind.options();
    }

    @Override
    public final List<PropertyDef<?>> peerProperties() {
        return kind.peerProperties();
    }

    /** Sends what the output side has queued; called on the loop thread after {@link ChannelOutput#scheduleFlush()}. */
    protected abstract void flushQueued();

    /**
     * Returns the socket's loop.
     *
     * @return the loop
     */
    protected final EventLoop loop() {
        return socket.loop();
    }

    /**
     * Returns the socket's lifecycle, which the transport reports to.
     *
     * @return the lifecycle
     */
    protected final ConnectionLifecycle lifecycle() {
        return socket.lifecycle();
    }

    @Override
    public final SelectionKey currentKey() {
        return key;
    }

    @Override
    public final boolean hasChannel() {
        return channel != null;
    }

    @Override
    public final void applyOption(PropertyDef<?> definition) throws IOException {
        options().apply(channel, socket.props(), definition);
    }

    /**
     * Reads an option from the live OS socket, for tests and diagnostics; call on the loop.
     *
     * @param <T> the option type
     * @param option the option
     * @return the value the OS reports
     * @throws IOException if the OS refuses
     * @throws IllegalStateException if no channel is open
     */
    public final <T> T osOption(SocketOption<T> option) throws IOException {
        if (channel == null) {
            throw new IllegalStateException("socket '" + socket.getObjectId() + "' has no open channel");
        }
        return channel.getOption(option);
    }
}
