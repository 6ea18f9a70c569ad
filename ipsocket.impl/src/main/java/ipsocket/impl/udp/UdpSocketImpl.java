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
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.Backoff;
import ipsocket.impl.common.HostResolver;
import ipsocket.impl.common.IpLiterals;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketErrors;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.loop.Timer;

/**
 * A UDP socket on a shared event loop: binding, the virtual connection, a bounded receive
 * queue of whole datagrams, a bounded send queue, multicast and broadcast.
 *
 * <p>Reading on a UDP socket works datagram by datagram: {@link #read(int)}, {@link #readAll()}
 * and {@link #readLine()} take the oldest queued datagram's payload (read(max) discards what
 * does not fit, as {@code recv} does), {@link #getBytesAvailable()} is the size of that
 * datagram, and {@link #canReadLine()} says whether a datagram is queued. The destination
 * address of a received datagram is the socket's local address: Java does not expose
 * {@code IP_PKTINFO}, so a socket bound to the wildcard address reports the wildcard.
 */
public class UdpSocketImpl extends AbstractIpSocket implements UdpSocket {
    /** Largest UDP payload over IPv4 (65535 - 20 IP header - 8 UDP header). */
    public static final int MAX_IPV4_PAYLOAD = 65_507;
    /** Largest UDP payload over IPv6 without jumbograms (65535 - 8 UDP header). */
    public static final int MAX_IPV6_PAYLOAD = 65_527;
    /** Datagrams received per readiness event before other sockets get their turn. */
    private static final int RECEIVES_PER_EVENT = 64;

    private static final List<PropertyDef<?>> PEER = List.of(SocketProperties.HOSTNAME,
            SocketProperties.PORT, SocketProperties.PROTOCOL);
    private static final List<PropertyDef<?>> LOCAL_END = List.of(SocketProperties.LOCAL_ADDRESS,
            SocketProperties.LOCAL_PORT);

    private final EventLoopGroup group;

    // Receive side, guarded by receiveLock.
    private final Object receiveLock = new Object();
    private final ArrayDeque<UdpDatagram> received = new ArrayDeque<>();
    private long receivedBytes;
    private boolean overflowing;
    private volatile UdpDatagram currentDatagram;
    private final AtomicLong dropped = new AtomicLong();

    // Send side, guarded by sendLock.
    private final Object sendLock = new Object();
    private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();
    private long outgoingBytes;
    /** The open channel while datagrams may go straight to it; null otherwise. Set under sendLock. */
    private DatagramChannel directChannel;
    /** Bytes sent straight from callers' threads and not yet counted and signalled on the loop. */
    private final AtomicLong unreportedDirectSends = new AtomicLong();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();


    // Loop-thread state.
    private final Backoff backoff = new Backoff();
    private final MulticastMemberships memberships = new MulticastMemberships();
    private final ChannelEvents receiver = new ChannelEvents();
    private DatagramChannel channel;
    private SelectionKey key;
    private boolean ipv6Channel;
    private long attemptId;
    private boolean attemptIsAutomatic;
    /** Peer and local end the current channel and virtual connection use (announcements lag). */
    private List<Object> activePeer;
    private List<Object> activeLocalEnd;
    private Timer connectTimer;
    private Timer retryTimer;
    private boolean userStopped;
    private boolean disposed;
    private InetSocketAddress lastSender;
    private String lastSenderText;
    private InetSocketAddress lastLocal;
    private String lastLocalText;

    /** A datagram accepted for sending. */
    private static final class Outgoing {
        final ByteBuffer payload;
        final InetSocketAddress target; // null: the connected peer
        final int hopLimit;

        Outgoing(ByteBuffer payload, InetSocketAddress target, int hopLimit) {
            this.payload = payload;
            this.target = target;
            this.hopLimit = hopLimit;
        }
    }

    /**
     * Creates an unbound socket on the next loop of a group.
     *
     * @param group the shared loops
     * @param objectId the socket's name
     */
    public UdpSocketImpl(EventLoopGroup group, String objectId) {
        super(group.next(), group.resolver(), objectId, new PropertyValues(SocketProperties.UDP));
        this.group = group;
    }

    // ---- binding ------------------------------------------------------------------------

    @Override
    public boolean bind() {
        SocketState state = getState();
        if (state != SocketState.DISCONNECTED) {
            reportErrorFromAnyThread(SocketError.OPERATION_ERROR, "bind() on socket '" + getObjectId()
                    + "' while it is " + state.seedName());
            return false;
        }
        loop.execute(() -> bindNow(true));
        return true;
    }

    @Override
    protected void bindRequested() {
        bind();
    }

    private boolean bindNow(boolean explicit) {
        if (disposed) {
            return false;
        }
        if (explicit) {
            userStopped = false;
        }
        if (getState() != SocketState.DISCONNECTED) {
            if (explicit) {
                reportError(SocketError.OPERATION_ERROR, "bind() on socket '" + getObjectId() + "' while it is "
                        + getState().seedName());
            }
            return false;
        }
        cancelRetry();
        try {
            openChannel(null);
        } catch (IOException | RuntimeException e) {
            SocketError error = SocketErrors.classify(e, false);
            reportError(error, "Cannot bind socket '" + getObjectId() + "' to " + localDescription() + ": "
                    + SocketErrors.reason(e));
            scheduleRetry();
            return false;
        }
        changeState(SocketState.BOUND);
        return channel != null;
    }

    /** Opens, configures and binds the channel, for {@code peer}'s family when given. */
    private void openChannel(InetAddress peer) throws IOException {
        ProtocolFamily family = chooseFamily(peer);
        DatagramChannel opened = DatagramChannel.open(family);
        try {
            opened.configureBlocking(false);
            List<String> groups = props.get(SocketProperties.MULTICAST_GROUPS);
            if (!groups.isEmpty()) {
                // Several receivers of one group on one host must share its port.
                opened.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            UdpOptions.applyAll(opened, props, this::reportOptionProblem);
            opened.bind(configuredLocalEnd());
            key = loop.register(opened, SelectionKey.OP_READ, receiver);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        channel = opened;
        synchronized (sendLock) {
            directChannel = opened;
        }
        activeLocalEnd = snapshot(LOCAL_END);
        ipv6Channel = family == StandardProtocolFamily.INET6;
        setEnds((InetSocketAddress) opened.getLocalAddress(), null);
        updateMemberships();
    }

    private ProtocolFamily chooseFamily(InetAddress peer) {
        NetworkProtocol protocol = getProtocol();
        if (protocol == NetworkProtocol.IPV4_PROTOCOL) {
            return StandardProtocolFamily.INET;
        }
        if (protocol == NetworkProtocol.IPV6_PROTOCOL) {
            return StandardProtocolFamily.INET6;
        }
        Optional<InetAddress> local = IpLiterals.parse(props.get(SocketProperties.LOCAL_ADDRESS));
        if (local.isPresent()) {
            return local.get() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        if (peer != null) {
            return peer instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        boolean anyIpv6Group = props.get(SocketProperties.MULTICAST_GROUPS).stream()
                .anyMatch(group -> group.indexOf(':') >= 0);
        // IPv4 unless something asks for IPv6: IPv4 groups then join on an IPv4 socket.
        return anyIpv6Group ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    private String localDescription() {
        String address = props.get(SocketProperties.LOCAL_ADDRESS);
        return (address.isEmpty() ? "*" : address) + ":" + props.get(SocketProperties.LOCAL_PORT);
    }

    private void updateMemberships() {
        if (channel == null) {
            return;
        }
        memberships.update(channel, ipv6Channel, props.get(SocketProperties.MULTICAST_GROUPS),
                props.get(SocketProperties.MULTICAST_INTERFACE), (group, problem) -> {
                    SocketError error = problem instanceof UnsupportedOperationException
                            ? SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR
                            : SocketErrors.classify(problem, false);
                    reportError(error, "Socket '" + getObjectId() + "' cannot join multicast group " + group
                            + ": " + SocketErrors.reason(problem));
                });
    }

    // ---- virtual connection -------------------------------------------------------------

    @Override
    protected void beginConnect(boolean explicit) {
        if (disposed) {
            return;
        }
        if (explicit) {
            userStopped = false;
        }
        SocketState state = getState();
        if (state != SocketState.DISCONNECTED && state != SocketState.BOUND) {
            boolean joinsAutomatic = attemptIsAutomatic
                    && (state == SocketState.HOST_LOOKUP || state == SocketState.CONNECTING);
            if (explicit && !joinsAutomatic) {
                reportError(SocketError.OPERATION_ERROR, "connectToHost() on socket '" + getObjectId() + "' to "
                        + endpoint() + " while it is " + state.seedName());
            }
            return;
        }
        cancelRetry();
        if (!checkEndpoint()) {
            return;
        }
        long id = ++attemptId;
        attemptIsAutomatic = !explicit;
        activePeer = snapshot(PEER);
        connectTimer = loop.schedule(getConnectTimeout(), () -> onConnectTimeout(id));
        changeState(SocketState.HOST_LOOKUP);
        if (id != attemptId) {
            return;
        }
        lookUp(getHostname(), getProtocol(), (addresses, failure) -> onResolved(id, addresses, failure));
    }

    private void onResolved(long id, List<InetAddress> addresses, Exception failure) {
        if (id != attemptId || getState() != SocketState.HOST_LOOKUP) {
            return;
        }
        if (failure != null) {
            failConnect(SocketError.HOST_NOT_FOUND_ERROR, "Host " + getHostname() + " not found for socket '"
                    + getObjectId() + "' (port " + getPort() + "): " + SocketErrors.reason(failure));
            return;
        }
        InetAddress chosen = addresses.get(0);
        if (channel != null) {
            // An open channel carries one family (an IPv6 one also carries IPv4-mapped peers).
            chosen = addresses.stream().filter(a -> ipv6Channel || a instanceof Inet4Address).findFirst()
                    .orElse(null);
            if (chosen == null) {
                failConnect(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, "Socket '" + getObjectId()
                        + "' is bound to an IPv4 address and cannot reach " + endpoint() + " over IPv6");
                return;
            }
        }
        changeState(SocketState.CONNECTING);
        if (id != attemptId) {
            return;
        }
        InetSocketAddress target = new InetSocketAddress(chosen, getPort());
        try {
            if (channel == null) {
                openChannel(chosen);
            }
            channel.connect(target);
        } catch (IOException | RuntimeException e) {
            SocketError error = SocketErrors.classify(e, false);
            failConnect(error, "Socket '" + getObjectId() + "' cannot connect to " + endpoint() + " ("
                    + chosen.getHostAddress() + "): " + SocketErrors.reason(e));
            return;
        }
        cancelConnectTimer();
        InetSocketAddress local = localEnd();
        try {
            local = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            // keep the address from binding
        }
        setEnds(local, target);
        dropQueuedFromOthers(target);
        changeState(SocketState.CONNECTED);
        if (id == attemptId) {
            listeners.fire(listener -> listener.connected(this));
        }
    }

    private void onConnectTimeout(long id) {
        SocketState state = getState();
        if (id != attemptId || (state != SocketState.HOST_LOOKUP && state != SocketState.CONNECTING)) {
            return;
        }
        connectTimer = null;
        failConnect(SocketError.SOCKET_TIMEOUT_ERROR, "Looking up " + endpoint() + " for socket '"
                + getObjectId() + "' timed out after " + getConnectTimeout() + " ms");
    }

    private void failConnect(SocketError error, String text) {
        attemptId++;
        cancelConnectTimer();
        reportError(error, text);
        changeState(channel != null ? SocketState.BOUND : SocketState.DISCONNECTED);
        scheduleRetry();
    }

    /** Ends the virtual connection and keeps the socket bound. */
    private void dropVirtualConnection() {
        if (channel != null && channel.isConnected()) {
            try {
                channel.disconnect();
            } catch (IOException e) {
                reportError(SocketErrors.classify(e, true), "Socket '" + getObjectId()
                        + "' cannot end its virtual connection: " + SocketErrors.reason(e));
            }
        }
        setEnds(localEnd(), null);
        changeState(channel != null ? SocketState.BOUND : SocketState.DISCONNECTED);
    }

    // ---- automatic start and retry ------------------------------------------------------

    private void autoStart() {
        if (disposed || userStopped || !isAutoConnect() || automaticStartSuppressed()) {
            return;
        }
        SocketState state = getState();
        if (endpointValid() && (state == SocketState.DISCONNECTED || state == SocketState.BOUND)) {
            beginConnect(false);
        } else if (state == SocketState.DISCONNECTED && wantsBinding()) {
            bindNow(false);
        }
    }

    private boolean wantsBinding() {
        return props.get(SocketProperties.LOCAL_PORT) != 0 || !props.get(SocketProperties.LOCAL_ADDRESS).isEmpty()
                || !props.get(SocketProperties.MULTICAST_GROUPS).isEmpty();
    }

    private void scheduleRetry() {
        if (disposed || userStopped || !isAutoConnect() || retryTimer != null) {
            return;
        }
        if (!endpointValid() && !wantsBinding()) {
            return;
        }
        long delay = backoff.nextDelay(getReconnectMinInterval(), getReconnectMaxInterval());
        retryTimer = loop.schedule(delay, () -> {
            retryTimer = null;
            autoStart();
        });
    }

    private void cancelRetry() {
        if (retryTimer != null) {
            retryTimer.cancel();
            retryTimer = null;
        }
    }

    private void cancelConnectTimer() {
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
    }

    // ---- closing ------------------------------------------------------------------------

    @Override
    public void disconnectFromHost() {
        loop.execute(() -> close(true));
    }

    @Override
    public void abort() {
        synchronized (sendLock) {
            discardQueuedLocked();
        }
        loop.execute(() -> close(false));
    }

    @Override
    public final void dispose() {
        abort();
        loop.execute(() -> disposed = true);
    }

    private void close(boolean graceful) {
        userStopped = true;
        cancelRetry();
        attemptId++;
        cancelConnectTimer();
        if (channel == null) {
            changeState(SocketState.DISCONNECTED);
            return;
        }
        if (graceful && pendingDatagrams() > 0) {
            changeState(SocketState.CLOSING);
            flushNow(); // finishes the close once the queue is empty
            return;
        }
        finishClose();
    }

    private void finishClose() {
        closeChannel();
        changeState(SocketState.DISCONNECTED);
        listeners.fire(listener -> listener.disconnected(this));
    }

    private void closeChannel() {
        synchronized (sendLock) {
            directChannel = null;
        }
        if (channel != null) {
            memberships.clear(); // closing the channel drops its memberships
            loop.close(key, channel);
            channel = null;
            key = null;
        }
        synchronized (sendLock) {
            discardQueuedLocked();
        }
        setEnds(null, null);
    }

    // ---- receiving ----------------------------------------------------------------------

    @Override
    protected SelectionKey currentKey() {
        return key;
    }

    @Override
    protected void onWritable() {
        flushNow();
    }

    @Override
    protected boolean releaseForShutdown() {
        disposed = true;
        cancelRetry();
        cancelConnectTimer();
        boolean wasOpen = channel != null;
        closeChannel();
        return wasOpen;
    }

    @Override
    protected void onReadable() {
        DatagramChannel source = channel;
        for (int i = 0; i < RECEIVES_PER_EVENT && channel == source; i++) {
            ByteBuffer buffer = loop.sharedReadBuffer();
            SocketAddress from;
            try {
                from = source.receive(buffer);
            } catch (PortUnreachableException e) {
                reportError(SocketError.CONNECTION_REFUSED_ERROR, "Connection refused: " + endpoint()
                        + " answered a datagram of socket '" + getObjectId() + "' with ICMP port unreachable");
                continue;
            } catch (IOException e) {
                reportError(SocketErrors.classify(e, true), "Socket '" + getObjectId()
                        + "' cannot receive: " + SocketErrors.reason(e));
                return;
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            if (buffer.remaining() == buffer.capacity()) {
                reportError(SocketError.DATAGRAM_TOO_LARGE_ERROR, "Socket '" + getObjectId()
                        + "' received a datagram from " + from + " of at least " + buffer.capacity()
                        + " bytes; it may be truncated");
            }
            deliver(datagramFrom(buffer, (InetSocketAddress) from));
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
        InetSocketAddress local = localEnd();
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

    private void deliver(UdpDatagram datagram) {
        countReceived(datagram.size());
        boolean overflowStarted = false;
        synchronized (receiveLock) {
            boolean full = received.size() >= getReceiveQueueLimit()
                    || !received.isEmpty() && receivedBytes + datagram.size() > getReadBufferLimit();
            if (full) {
                dropped.incrementAndGet();
                overflowStarted = !overflowing;
                overflowing = true;
            } else {
                received.addLast(datagram);
                receivedBytes += datagram.size();
            }
        }
        if (overflowStarted) {
            reportError(SocketError.TEMPORARY_ERROR, "The receive queue of socket '" + getObjectId() + "' is full ("
                    + getReceiveQueueLimit() + " datagrams or " + getReadBufferLimit() + " bytes): further datagrams"
                    + " are dropped and counted until it is read");
        }
        tapData(datagram.getPayloadBuffer()); // after queueing: whoever sees the event can read it
        UdpDatagram previous = currentDatagram;
        currentDatagram = datagram;
        firePropertyChanged("currentDatagram", previous, datagram);
        listeners.fire(listener -> listener.datagramReceived(this, datagram));
        listeners.fire(listener -> listener.readyRead(this));
        if (endsWithLineFeed(datagram)) {
            listeners.fire(listener -> listener.lineAvailableForRead(this));
        }
    }

    private static boolean endsWithLineFeed(UdpDatagram datagram) {
        ByteBuffer payload = datagram.getPayloadBuffer();
        return payload.limit() > 0 && payload.get(payload.limit() - 1) == '\n';
    }

    /** A connected socket reads its peer's datagrams only, also those queued before connecting. */
    private void dropQueuedFromOthers(InetSocketAddress peer) {
        synchronized (receiveLock) {
            received.removeIf(datagram -> datagram.getSenderPort() != peer.getPort()
                    || !sameAddress(datagram.getSenderAddress(), peer.getAddress()));
            receivedBytes = received.stream().mapToLong(UdpDatagram::size).sum();
        }
    }

    private static boolean sameAddress(String literal, InetAddress address) {
        return IpLiterals.parse(literal).map(parsed -> parsed.equals(address)).orElse(false);
    }

    @Override
    public UdpDatagram readDatagram() {
        synchronized (receiveLock) {
            UdpDatagram next = received.pollFirst();
            if (next != null) {
                receivedBytes -= next.size();
            }
            if (received.size() < getReceiveQueueLimit()) {
                overflowing = false;
            }
            return next;
        }
    }

    @Override
    public UdpDatagram getCurrentDatagram() {
        return currentDatagram;
    }

    @Override
    public int getPendingDatagramCount() {
        synchronized (receiveLock) {
            return received.size();
        }
    }

    @Override
    public long getDroppedDatagramCount() {
        return dropped.get();
    }

    @Override
    public byte[] read(int maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize " + maxSize + " is negative");
        }
        UdpDatagram next = readDatagram();
        if (next == null) {
            return new byte[0];
        }
        byte[] payload = next.getPayload();
        return payload.length <= maxSize ? payload : java.util.Arrays.copyOf(payload, maxSize);
    }

    @Override
    public byte[] readAll() {
        UdpDatagram next = readDatagram();
        return next == null ? new byte[0] : next.getPayload();
    }

    @Override
    public byte[] peekAll() {
        synchronized (receiveLock) {
            UdpDatagram next = received.peekFirst();
            return next == null ? new byte[0] : next.getPayload();
        }
    }

    @Override
    public String readLine() {
        UdpDatagram next = readDatagram();
        if (next == null) {
            return "";
        }
        String text = next.getPayloadText();
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public boolean canReadLine() {
        return getPendingDatagramCount() > 0;
    }

    @Override
    public long getBytesAvailable() {
        synchronized (receiveLock) {
            UdpDatagram next = received.peekFirst();
            return next == null ? 0 : next.size();
        }
    }

    @Override
    public boolean atEnd() {
        return getPendingDatagramCount() == 0 && getState() == SocketState.DISCONNECTED;
    }

    // ---- sending ------------------------------------------------------------------------

    @Override
    public boolean writeDatagram(UdpDatagram datagram) {
        if (datagram == null) {
            reportErrorFromAnyThread(SocketError.DATAGRAM_WRITE_ERROR, "writeDatagram(null) on socket '"
                    + getObjectId() + "'");
            return false;
        }
        if (isReadOnly()) {
            reportDeviceError(SocketError.OPERATION_ERROR, "Socket '" + getObjectId()
                    + "' is read-only: datagram refused");
            return false;
        }
        InetSocketAddress peer = peerEnd();
        if (!datagram.hasDestination() && peer == null) {
            reportErrorFromAnyThread(SocketError.DATAGRAM_WRITE_ERROR, "Socket '" + getObjectId()
                    + "' cannot send a datagram without destination: it has no virtual connection");
            return false;
        }
        if (datagram.hasDestination() && (datagram.getDestinationPort() < 1)) {
            reportErrorFromAnyThread(SocketError.DATAGRAM_WRITE_ERROR, "Socket '" + getObjectId()
                    + "' cannot send to port " + datagram.getDestinationPort() + " of "
                    + datagram.getDestinationAddress());
            return false;
        }
        Optional<InetAddress> literal = datagram.hasDestination()
                ? IpLiterals.parse(datagram.getDestinationAddress()) : Optional.of(peer.getAddress());
        int max = literal.isPresent() && literal.get() instanceof Inet4Address ? MAX_IPV4_PAYLOAD : MAX_IPV6_PAYLOAD;
        if (datagram.size() > max) {
            reportErrorFromAnyThread(SocketError.DATAGRAM_TOO_LARGE_ERROR, "Datagram of " + datagram.size()
                    + " bytes from socket '" + getObjectId() + "' exceeds the UDP maximum of " + max + " bytes"
                    + (max == MAX_IPV4_PAYLOAD ? " over IPv4" : " over IPv6"));
            return false;
        }
        if (datagram.getHopLimit() != UdpDatagram.DEFAULT_HOP_LIMIT
                && !(literal.isPresent() && literal.get().isMulticastAddress())) {
            reportErrorFromAnyThread(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, "Socket '" + getObjectId()
                    + "': a per-datagram hopLimit applies to multicast destinations only; Java cannot set the"
                    + " TTL of one unicast datagram");
            return false;
        }
        if (datagram.hasDestination() && literal.isEmpty()) {
            return sendToHostName(datagram);
        }
        InetSocketAddress target = datagram.hasDestination()
                ? new InetSocketAddress(literal.get(), datagram.getDestinationPort()) : null;
        return enqueue(datagram, target);
    }

    private boolean sendToHostName(UdpDatagram datagram) {
        String host = datagram.getDestinationAddress();
        NetworkProtocol protocol = getProtocol();
        // The datagram counts against the send limit while its destination is looked up.
        if (!reserve(datagram.size())) {
            return false;
        }
        try {
            group.resolver().execute(() -> {
                try {
                    InetAddress address = HostResolver.resolve(host, protocol).get(0);
                    InetSocketAddress target = new InetSocketAddress(address, datagram.getDestinationPort());
                    loop.execute(() -> enqueueReserved(datagram, target));
                } catch (IOException | RuntimeException e) {
                    release(datagram.size());
                    reportErrorFromAnyThread(SocketError.HOST_NOT_FOUND_ERROR, "Host " + host
                            + " not found for a datagram of socket '" + getObjectId() + "': "
                            + SocketErrors.reason(e));
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            release(datagram.size());
            reportErrorFromAnyThread(SocketError.SOCKET_RESOURCE_ERROR, "Cannot look up " + host
                    + ": the resolver is shut down");
            return false;
        }
    }

    private boolean reserve(int bytes) {
        synchronized (sendLock) {
            if (outgoingBytes + bytes > getWriteBufferLimit() && outgoingBytes > 0) {
                reportErrorFromAnyThread(SocketError.TEMPORARY_ERROR, "The send queue of socket '" + getObjectId()
                        + "' is full (" + outgoingBytes + " bytes pending): datagram refused");
                return false;
            }
            outgoingBytes += bytes;
            return true;
        }
    }

    /** Drops every queued datagram; call holding sendLock. Reservations of pending lookups stay. */
    private void discardQueuedLocked() {
        for (Outgoing queued : outgoing) {
            outgoingBytes -= queued.payload.remaining();
        }
        outgoing.clear();
    }

    private void release(int bytes) {
        synchronized (sendLock) {
            outgoingBytes -= bytes;
        }
    }

    private void enqueueReserved(UdpDatagram datagram, InetSocketAddress target) {
        synchronized (sendLock) {
            if (sendDirectly(datagram, target)) {
                return;
            }
            outgoing.addLast(new Outgoing(datagram.getPayloadBuffer(), target, datagram.getHopLimit()));
        }
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(this::runScheduledFlush);
        }
    }

    /**
     * Sends a datagram from the caller's thread while nothing is queued (no hop to the loop);
     * call holding sendLock, so queued datagrams keep their order. Anything unusual (a full
     * socket buffer, an error, a hop limit, an empty payload) takes the queue instead, where the
     * loop sends it and reports what goes wrong.
     *
     * @return {@code true} if the datagram went out
     */
    private boolean sendDirectly(UdpDatagram datagram, InetSocketAddress target) {
        if (directChannel == null || !outgoing.isEmpty() || datagram.size() == 0
                || datagram.getHopLimit() != UdpDatagram.DEFAULT_HOP_LIMIT) {
            return false;
        }
        try {
            ByteBuffer payload = datagram.getPayloadBuffer();
            int sent = target == null ? directChannel.write(payload) : directChannel.send(payload, target);
            if (sent <= 0) {
                return false;
            }
        } catch (PortUnreachableException e) {
            // the kernel reports an earlier ICMP port unreachable once, to this call: pass it on
            reportErrorFromAnyThread(SocketError.CONNECTION_REFUSED_ERROR, "Connection refused: " + endpoint()
                    + " answered a datagram of socket '" + getObjectId() + "' with ICMP port unreachable");
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
        outgoingBytes -= datagram.size();
        if (unreportedDirectSends.getAndAdd(datagram.size()) == 0) {
            loop.execute(this::reportDirectSends);
        }
        return true;
    }

    private void reportDirectSends() {
        long sent = unreportedDirectSends.getAndSet(0);
        if (sent > 0) {
            countSent(sent);
            listeners.fire(listener -> listener.bytesWritten(this, sent));
        }
    }

    private boolean enqueue(UdpDatagram datagram, InetSocketAddress target) {
        if (!reserve(datagram.size())) {
            return false;
        }
        enqueueReserved(datagram, target);
        return true;
    }

    private void runScheduledFlush() {
        flushScheduled.set(false);
        if (channel == null && getState() == SocketState.DISCONNECTED && pendingDatagrams() > 0) {
            // Sending from an unbound socket binds it first, as Qt does.
            if (!bindNow(false) && channel == null) {
                synchronized (sendLock) {
                    discardQueuedLocked();
                }
                return;
            }
        }
        flushNow();
    }

    private int pendingDatagrams() {
        synchronized (sendLock) {
            return outgoing.size();
        }
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
            Outgoing next;
            synchronized (sendLock) {
                next = outgoing.peekFirst();
            }
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
            synchronized (sendLock) {
                outgoing.pollFirst();
                outgoingBytes -= size;
            }
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
            countSent(sentNow);
            long sent = sentNow;
            listeners.fire(listener -> listener.bytesWritten(this, sent));
        }
        if (!blocked && getState() == SocketState.CLOSING && channel == target) {
            finishClose();
        }
    }

    private int send(DatagramChannel target, Outgoing datagram) throws IOException {
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

    private void reportSendFailure(Outgoing datagram, Exception failure) {
        SocketError error = failure instanceof PortUnreachableException ? SocketError.CONNECTION_REFUSED_ERROR
                : SocketErrors.classify(failure, false);
        String to = datagram.target == null ? endpoint() : datagram.target.toString();
        reportError(error, "Socket '" + getObjectId() + "' could not send a datagram of "
                + datagram.payload.remaining() + " bytes to " + to + ": " + SocketErrors.reason(failure));
    }

    @Override
    public long write(byte[] data) {
        return writeToPeer(data);
    }

    @Override
    public long write(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        long written = writeToPeer(bytes);
        if (written > 0) {
            data.position(data.position() + bytes.length);
        }
        return written;
    }

    @Override
    public long write(String text) {
        return writeToPeer(text.getBytes(StandardCharsets.UTF_8));
    }

    private long writeToPeer(byte[] payload) {
        if (peerEnd() == null || getState() != SocketState.CONNECTED) {
            reportDeviceError(SocketError.OPERATION_ERROR, "Cannot write to socket '" + getObjectId()
                    + "': it has no virtual connection (state " + getState().seedName()
                    + "); use writeDatagram() with a destination");
            return -1;
        }
        return writeDatagram(UdpDatagram.of(payload)) ? payload.length : -1;
    }

    @Override
    public boolean flush() {
        boolean pending = pendingDatagrams() > 0;
        if (pending && flushScheduled.compareAndSet(false, true)) {
            loop.execute(this::runScheduledFlush);
        }
        return pending;
    }

    @Override
    public boolean sync() {
        flush();
        return pendingDatagrams() == 0;
    }

    @Override
    public boolean isOpen() {
        SocketState state = getState();
        return state == SocketState.BOUND || state == SocketState.CONNECTED || state == SocketState.CLOSING;
    }

    @Override
    public boolean isWritable() {
        return !isReadOnly() && (getState() == SocketState.BOUND || getState() == SocketState.CONNECTED);
    }

    // ---- properties ---------------------------------------------------------------------

    @Override
    protected void onPropertiesChanged(Set<PropertyDef<?>> changed) {
        if (disposed) {
            return;
        }
        if (channel != null) {
            for (PropertyDef<?> definition : changed) {
                if (UdpOptions.OPTION_PROPERTIES.contains(definition)) {
                    try {
                        UdpOptions.apply(channel, props, definition);
                    } catch (IOException | RuntimeException e) {
                        reportOptionProblem(definition, e);
                    }
                }
            }
            if (changed.contains(SocketProperties.MULTICAST_INTERFACE)) {
                memberships.leaveAll();
            }
            if (changed.contains(SocketProperties.MULTICAST_GROUPS)
                    || changed.contains(SocketProperties.MULTICAST_INTERFACE)) {
                updateMemberships();
            }
        }
        if (changed.contains(SocketProperties.AUTO_CONNECT) && !isAutoConnect()) {
            cancelRetry();
        }
        if (automaticStartSuppressed() || userStopped || !isAutoConnect()) {
            return;
        }
        SocketState state = getState();
        if (LOCAL_END.stream().anyMatch(changed::contains) && channel != null
                && !snapshot(LOCAL_END).equals(activeLocalEnd)) {
            // A new local end needs a new channel.
            closeChannel();
            changeState(SocketState.DISCONNECTED);
            autoStart();
            return;
        }
        boolean peerMoved = state == SocketState.CONNECTED || state == SocketState.HOST_LOOKUP
                || state == SocketState.CONNECTING ? !snapshot(PEER).equals(activePeer) : true;
        if (PEER.stream().anyMatch(changed::contains) && peerMoved) {
            if (state == SocketState.CONNECTED) {
                dropVirtualConnection();
            } else if (state == SocketState.HOST_LOOKUP || state == SocketState.CONNECTING) {
                attemptId++;
                cancelConnectTimer();
                changeState(channel != null ? SocketState.BOUND : SocketState.DISCONNECTED);
            }
            cancelRetry();
        }
        if (retryTimer == null) {
            autoStart();
        }
    }

    private List<Object> snapshot(List<PropertyDef<?>> definitions) {
        List<Object> values = new java.util.ArrayList<>(definitions.size());
        for (PropertyDef<?> definition : definitions) {
            values.add(props.get(definition));
        }
        return values;
    }

    private void reportOptionProblem(PropertyDef<?> definition, Exception problem) {
        reportError(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, "Cannot set " + definition.name() + "="
                + props.get(definition) + " on socket '" + getObjectId() + "': " + SocketErrors.reason(problem));
    }

    @Override
    public long getBytesToWrite() {
        synchronized (sendLock) {
            return outgoingBytes;
        }
    }

    @Override
    public int getReceiveQueueLimit() {
        return props.get(SocketProperties.RECEIVE_QUEUE_LIMIT);
    }

    @Override
    public void setReceiveQueueLimit(int receiveQueueLimit) {
        set(SocketProperties.RECEIVE_QUEUE_LIMIT, receiveQueueLimit);
    }

    @Override
    public List<String> getMulticastGroups() {
        return props.get(SocketProperties.MULTICAST_GROUPS);
    }

    @Override
    public void setMulticastGroups(List<String> multicastGroups) {
        set(SocketProperties.MULTICAST_GROUPS, multicastGroups == null ? List.of() : multicastGroups);
    }

    @Override
    public String getMulticastInterface() {
        return props.get(SocketProperties.MULTICAST_INTERFACE);
    }

    @Override
    public void setMulticastInterface(String multicastInterface) {
        set(SocketProperties.MULTICAST_INTERFACE, multicastInterface == null ? "" : multicastInterface);
    }

    @Override
    public boolean isBroadcast() {
        return props.get(SocketProperties.BROADCAST);
    }

    @Override
    public void setBroadcast(boolean broadcast) {
        set(SocketProperties.BROADCAST, broadcast);
    }

    /**
     * Reads an option from the live OS socket, for tests and diagnostics.
     *
     * @param <T> the option type
     * @param option the option
     * @return the value the OS reports
     * @throws IllegalStateException if the socket has no channel or the loop does not answer
     */
    <T> T osOption(java.net.SocketOption<T> option) {
        return askLoop(() -> {
            if (channel == null) {
                throw new IllegalStateException("socket '" + getObjectId() + "' is not bound");
            }
            return channel.getOption(option);
        });
    }

    /**
     * Returns the groups joined now, for tests and diagnostics; call on any thread (the answer
     * may be a moment old).
     *
     * @return the joined group literals
     */
    List<String> joinedGroups() {
        return askLoop(memberships::groups);
    }
}
