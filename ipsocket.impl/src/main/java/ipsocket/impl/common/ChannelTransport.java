package ipsocket.impl.common;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.List;

import ipsocket.impl.loop.EventLoop;

/**
 * What every transport over one selectable channel has: the channel and its key, the kind's
 * option table and peer properties, and options applied to or read from the live channel.
 *
 * @param <S> the socket type
 * @param <C> the channel type
 */
public abstract class ChannelTransport<S extends AbstractIpSocket, C extends SelectableChannel & NetworkChannel>
        implements Transport {
    /** The socket the transport carries. */
    protected final S socket;
    /** The socket's loop. */
    protected final EventLoop loop;
    /** The socket's lifecycle, which the transport reports to. */
    protected final ConnectionLifecycle lifecycle;
    private final ChannelOptions options;
    private final List<PropertyDef<?>> peerProperties;
    /** The open channel; {@code null} while none is open. */
    protected C channel;
    /** The channel's selection key; {@code null} while no channel is open. */
    protected SelectionKey key;

    /**
     * Creates the transport of a socket.
     *
     * @param socket the socket
     * @param options the kind's option table
     * @param peerProperties the properties naming the peer
     */
    protected ChannelTransport(S socket, ChannelOptions options, List<PropertyDef<?>> peerProperties) {
        this.socket = socket;
        this.loop = socket.loop();
        this.lifecycle = socket.lifecycle();
        this.options = options;
        this.peerProperties = List.copyOf(peerProperties);
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
    public final List<PropertyDef<?>> peerProperties() {
        return peerProperties;
    }

    @Override
    public final ChannelOptions options() {
        return options;
    }

    @Override
    public final void applyOption(PropertyDef<?> definition) throws IOException {
        options.apply(channel, socket.props(), definition);
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
