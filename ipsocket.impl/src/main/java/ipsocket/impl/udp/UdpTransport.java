package ipsocket.impl.udp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.common.ChannelTransport;
import ipsocket.impl.common.IpLiterals;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.SocketErrors;
import ipsocket.impl.common.SocketProperties;

/**
 * A datagram channel as the lifecycle's transport: binding, the virtual connection to one peer,
 * multicast memberships, receiving into the socket's {@link UdpReceiveQueue} and sending from its
 * {@link UdpSendQueue}. A UDP socket rests Bound while its channel is open.
 *
 * <p>Runs on the socket's loop thread.
 */
final class UdpTransport extends ChannelTransport<UdpSocketImpl, DatagramChannel> {
    /** Datagrams received per readiness event before other sockets get their turn. */
    private static final int RECEIVES_PER_EVENT = 64;
    /** UDP's options; the peer of the virtual connection is hostname, port and protocol. */
    private static final Kind KIND = new Kind(UdpOptions.TABLE, List.of(SocketProperties.HOSTNAME,
            SocketProperties.PORT, SocketProperties.PROTOCOL));
    private static final List<PropertyDef<?>> LOCAL_END = List.of(SocketProperties.LOCAL_ADDRESS,
            SocketProperties.LOCAL_PORT);

    private final UdpSendQueue sendQueue;
    private final MulticastMemberships memberships = new MulticastMemberships();

    private boolean ipv6Channel;
    /** The local end the open channel was bound with (announcements lag behind setters). */
    private Object[] activeLocalEnd;
    private InetSocketAddress lastSender;
    private String lastSenderText;
    private InetSocketAddress lastLocal;
    private String lastLocalText;

    UdpTransport(UdpSocketImpl socket) {
        super(socket, KIND);
        this.sendQueue = new UdpSendQueue(this);
    }

    UdpSendQueue sendQueue() {
        return sendQueue;
    }

    // ---- what the lifecycle asks ------------------------------------------------------------


    @Override
    public boolean canConnectFrom(SocketState state) {
        return state == SocketState.DISCONNECTED || state == SocketState.BOUND;
    }

    @Override
    public SocketState restingState() {
        return channel != null ? SocketState.BOUND : SocketState.DISCONNECTED;
    }

    @Override
    public void propertiesChanged(Set<PropertyDef<?>> changed) {
        if (channel == null) {
            return;
        }
        if (changed.contains(SocketProperties.MULTICAST_INTERFACE)) {
            memberships.leaveAll();
        }
        if (changed.contains(SocketProperties.MULTICAST_GROUPS)
                || changed.contains(SocketProperties.MULTICAST_INTERFACE)) {
            updateMemberships();
        }
    }

    @Override
    public boolean channelOutdated(Set<PropertyDef<?>> changed) {
        return LOCAL_END.stream().anyMatch(changed::contains)
                && !Arrays.equals(socket.props().snapshot(LOCAL_END), activeLocalEnd);
    }

    @Override
    public boolean wantsBinding() {
        return socket.props().get(SocketProperties.LOCAL_PORT) != 0
                || !socket.props().get(SocketProperties.LOCAL_ADDRESS).isEmpty()
                || !socket.props().get(SocketProperties.MULTICAST_GROUPS).isEmpty();
    }

    // ---- binding and the virtual connection ---------------------------------------------------

    @Override
    public void bind() throws IOException {
        openChannel(null);
    }

    /** Opens, configures and binds the channel, for {@code peer}'s family when given. */
    private void openChannel(InetAddress peer) throws IOException {
        ProtocolFamily family = chooseFamily(peer);
        DatagramChannel opened = DatagramChannel.open(family);
        try {
            opened.configureBlocking(false);
            if (!socket.props().get(SocketProperties.MULTICAST_GROUPS).isEmpty()) {
                // Several receivers of one group on one host must share its port.
                opened.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            UdpOptions.TABLE.applyAll(opened, socket.props(), false, lifecycle()::reportOptionProblem);
            opened.bind(socket.configuredLocalEnd());
            key = loop().register(opened, SelectionKey.OP_READ, lifecycle().readinessHandler());
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        channel = opened;
        sendQueue.direct(opened);
        activeLocalEnd = socket.props().snapshot(LOCAL_END);
        ipv6Channel = family == StandardProtocolFamily.INET6;
        socket.setEnds((InetSocketAddress) opened.getLocalAddress(), null);
        updateMemberships();
    }

    private ProtocolFamily chooseFamily(InetAddress peer) {
        NetworkProtocol protocol = socket.getProtocol();
        if (protocol == NetworkProtocol.IPV4_PROTOCOL) {
            return StandardProtocolFamily.INET;
        }
        if (protocol == NetworkProtocol.IPV6_PROTOCOL) {
            return StandardProtocolFamily.INET6;
        }
        Optional<InetAddress> local = IpLiterals.parse(socket.props().get(SocketProperties.LOCAL_ADDRESS));
        if (local.isPresent()) {
            return local.get() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        if (peer != null) {
            return peer instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        boolean anyIpv6Group = socket.props().get(SocketProperties.MULTICAST_GROUPS).stream()
                .anyMatch(group -> group.indexOf(':') >= 0);
        // IPv4 unless something asks for IPv6: IPv4 groups then join on an IPv4 socket.
        return anyIpv6Group ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    private void updateMemberships() {
        memberships.update(channel, ipv6Channel, socket.props().get(SocketProperties.MULTICAST_GROUPS),
                socket.props().get(SocketProperties.MULTICAST_INTERFACE), (group, problem) -> {
                    SocketError error = problem instanceof UnsupportedOperationException
                            ? SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR
                            : SocketErrors.classify(problem, false);
                    socket.status().reportError(error, "Socket '" + socket.getObjectId()
                            + "' cannot join multicast group " + group + ": " + SocketErrors.reason(problem));
                });
    }

    @Override
    public void prepareAttempt() {
        // datagrams already queued stay: the connect keeps those of the new peer
    }

    @Override
    public void connect(long attempt, List<InetAddress> addresses) {
        InetAddress chosen = addresses.get(0);
        if (channel != null) {
            // An open channel carries one family (an IPv6 one also carries IPv4-mapped peers).
            chosen = addresses.stream().filter(a -> ipv6Channel || a instanceof Inet4Address).findFirst()
                    .orElse(null);
            if (chosen == null) {
                lifecycle().connectFailed(attempt, SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, "Socket '"
                        + socket.getObjectId() + "' is bound to an IPv4 address and cannot reach "
                        + socket.endpoint() + " over IPv6");
                return;
            }
        }
        if (!lifecycle().enterConnecting(attempt)) {
            return;
        }
        InetSocketAddress target = new InetSocketAddress(chosen, socket.getPort());
        try {
            if (channel == null) {
                openChannel(chosen);
            }
            channel.connect(target);
        } catch (IOException | RuntimeException e) {
            lifecycle().connectFailed(attempt, SocketErrors.classify(e, false), "Socket '" + socket.getObjectId()
                    + "' cannot connect to " + socket.endpoint() + " (" + chosen.getHostAddress() + "): "
                    + SocketErrors.reason(e));
            return;
        }
        InetSocketAddress local = socket.localEnd();
        try {
            local = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            // keep the address from binding
        }
        socket.receiveQueue().keepOnlyFrom(target);
        lifecycle().connected(attempt, local, target);
    }

    @Override
    public void cancelConnect() {
        // connecting a datagram channel completes at once: nothing in flight
    }

    @Override
    public boolean leavePeer() {
        if (channel != null && channel.isConnected()) {
            try {
                channel.disconnect();
            } catch (IOException e) {
                socket.status().reportError(SocketErrors.classify(e, true), "Socket '" + socket.getObjectId()
                        + "' cannot end its virtual connection: " + SocketErrors.reason(e));
            }
        }
        return true;
    }

    // ---- closing ----------------------------------------------------------------------------

    @Override
    public void closeRequested(boolean graceful) {
        if (!graceful) {
            sendQueue.discard();
        }
    }

    @Override
    public void closeGracefully() {
        if (sendQueue.size() > 0) {
            socket.status().changeState(SocketState.CLOSING);
            flushNow(); // finishes the close once the queue is empty
        } else {
            lifecycle().finishClose();
        }
    }

    @Override
    public void closeChannel() {
        sendQueue.direct(null);
        if (channel != null) {
            memberships.clear(); // closing the channel drops its memberships
            loop().close(key, channel);
            channel = null;
            key = null;
        }
        sendQueue.discard();
    }

    // ---- receiving --------------------------------------------------------------------------

    @Override
    public void onReadable() {
        DatagramChannel source = channel;
        for (int i = 0; i < RECEIVES_PER_EVENT && channel == source; i++) {
            ByteBuffer buffer = loop().sharedReadBuffer();
            SocketAddress from;
            try {
                from = source.receive(buffer);
            } catch (PortUnreachableException e) {
                socket.status().reportError(SocketError.CONNECTION_REFUSED_ERROR, "Connection refused: "
                        + socket.endpoint() + " answered a datagram of socket '" + socket.getObjectId()
                        + "' with ICMP port unreachable");
                continue;
            } catch (IOException e) {
                socket.status().reportError(SocketErrors.classify(e, true), "Socket '" + socket.getObjectId()
                        + "' cannot receive: " + SocketErrors.reason(e));
                return;
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            if (buffer.remaining() == buffer.capacity()) {
                socket.status().reportError(SocketError.DATAGRAM_TOO_LARGE_ERROR, "Socket '" + socket.getObjectId()
                        + "' received a datagram from " + from + " of at least " + buffer.capacity()
                        + " bytes; it may be truncated");
            }
            socket.deliver(datagramFrom(buffer, (InetSocketAddress) from));
        }
    }

    private UdpDatagram datagramFrom(ByteBuffer buffer, InetSocketAddress from) {
        byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        // Peers are few and repeat: format each address once, not once per datagram.
        if (!from.equals(lastSender)) {
            lastSender = from;
            lastSenderText = from.getAddress().getHostAddress();
        }
        InetSocketAddress local = socket.localEnd();
        if (local != null && !local.equals(lastLocal)) {
            lastLocal = local;
            lastLocalText = local.getAddress().getHostAddress();
        }
        UdpDatagram.Builder builder = UdpDatagram.builder().payload(payload).sender(lastSenderText, from.getPort());
        if (local != null) {
            builder.destination(lastLocalText, local.getPort());
        }
        return builder.build();
    }

    // ---- sending ----------------------------------------------------------------------------

    @Override
    public void onWritable() {
        flushNow();
    }

    /** Sends what is queued; sending from an unbound socket binds it first, as Qt does. */
    @Override
    protected void flushQueued() {
        if (channel == null && socket.getState() == SocketState.DISCONNECTED && sendQueue.size() > 0) {
            if (!lifecycle().bind(false) && channel == null) {
                sendQueue.discard();
                return;
            }
        }
        flushNow();
    }

    /** Sends queued datagrams until the OS pushes back; finishes a graceful close. */
    private void flushNow() {
        DatagramChannel target = channel;
        if (target == null) {
            return;
        }
        long sentNow = 0;
        boolean blocked = false;
        while (channel == target) {
            UdpSendQueue.Outgoing next = sendQueue.peek();
            if (next == null) {
                break;
            }
            int size = next.payload.remaining();
            try {
                int sent = send(target, next);
                if (sent == 0 && size > 0) {
                    blocked = true;
                    break;
                }
                sentNow += sent;
            } catch (IOException | RuntimeException e) {
                reportSendFailure(next, e);
            }
            sendQueue.remove(size);
        }
        if (channel != target) {
            return;
        }
        int ops = key.interestOps();
        int wanted = blocked ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE;
        if (wanted != ops) {
            key.interestOps(wanted);
        }
        if (sentNow > 0) {
            socket.reportSent(sentNow);
        }
        if (!blocked && socket.getState() == SocketState.CLOSING && channel == target) {
            lifecycle().finishClose();
        }
    }

    private static int send(DatagramChannel target, UdpSendQueue.Outgoing datagram) throws IOException {
        if (datagram.hopLimit == UdpDatagram.DEFAULT_HOP_LIMIT) {
            return datagram.target == null ? target.write(datagram.payload)
                    : target.send(datagram.payload, datagram.target);
        }
        int configured = target.getOption(StandardSocketOptions.IP_MULTICAST_TTL);
        target.setOption(StandardSocketOptions.IP_MULTICAST_TTL, datagram.hopLimit);
        try {
            return target.send(datagram.payload, datagram.target);
        } finally {
            target.setOption(StandardSocketOptions.IP_MULTICAST_TTL, configured);
        }
    }

    private void reportSendFailure(UdpSendQueue.Outgoing datagram, Exception failure) {
        SocketError error = failure instanceof PortUnreachableException ? SocketError.CONNECTION_REFUSED_ERROR
                : SocketErrors.classify(failure, false);
        String to = datagram.target == null ? socket.endpoint() : datagram.target.toString();
        socket.status().reportError(error, "Socket '" + socket.getObjectId() + "' could not send a datagram of "
                + datagram.payload.remaining() + " bytes to " + to + ": " + SocketErrors.reason(failure));
    }

    // ---- diagnostics ----------------------------------------------------------------------------

    List<String> joinedGroups() {
        return memberships.groups();
    }
}
