package ipsocket.impl.tcp;

import java.net.StandardSocketOptions;

import ipsocket.impl.common.ChannelOptions;
import ipsocket.impl.common.SocketProperties;

/**
 * The TCP socket options: the shared buffer and type-of-service options, no-delay, keepalive
 * and its tuning, and linger. Keepalive tuning uses {@code jdk.net.ExtendedSocketOptions} looked
 * up by name, so the bundle needs no import of {@code jdk.net}.
 */
final class TcpOptions {

    /** The table of TCP options. */
    static final ChannelOptions TABLE = ChannelOptions.withBufferAndTos()
            .flag(SocketProperties.LOW_DELAY, StandardSocketOptions.TCP_NODELAY)
            .flag(SocketProperties.KEEP_ALIVE, StandardSocketOptions.SO_KEEPALIVE)
            .option(SocketProperties.LINGER, (channel, props) ->
                    channel.setOption(StandardSocketOptions.SO_LINGER, props.get(SocketProperties.LINGER)))
            .option(SocketProperties.KEEP_ALIVE_IDLE, (channel, props) ->
                    ChannelOptions.setByName(channel, "TCP_KEEPIDLE", props.get(SocketProperties.KEEP_ALIVE_IDLE)))
            .option(SocketProperties.KEEP_ALIVE_INTERVAL, (channel, props) ->
                    ChannelOptions.setByName(channel, "TCP_KEEPINTERVAL",
                            props.get(SocketProperties.KEEP_ALIVE_INTERVAL)))
            .option(SocketProperties.KEEP_ALIVE_COUNT, (channel, props) ->
                    ChannelOptions.setByName(channel, "TCP_KEEPCOUNT", props.get(SocketProperties.KEEP_ALIVE_COUNT)))
            .build();

    private TcpOptions() {
    }
}
