package ipsocket.impl.udp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.HostResolver;
import ipsocket.impl.common.IpLiterals;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketErrors;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.loop.EventLoopGroup;

/**
 * A UDP socket on a shared event loop: {@link UdpSocket} on the shared lifecycle, with a
 * {@link UdpTransport} for binding, the virtual connection and multicast, a bounded
 * {@link UdpReceiveQueue} of whole datagrams (the newest are kept, the oldest unread are
 * dropped, so every arrival is signalled) and a bounded {@link UdpSendQueue}.
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

    private final EventLoopGroup group;
    private final UdpTransport transport;
    private final UdpReceiveQueue received = new UdpReceiveQueue();
    private final UdpSendQueue sendQueue;
    private volatile UdpDatagram currentDatagram;
    private boolean dropReportScheduled; // loop thread only

    /**
     * Creates an unbound socket on the next loop of a group.
     *
     * @param group the shared loops
     * @param objectId the socket's name
     */
    public UdpSocketImpl(EventLoopGroup group, String objectId) {
        super(group.next(), group.resolver(), objectId, new PropertyValues(SocketProperties.UDP));
        this.group = group;
        this.transport = new UdpTransport(this);
        this.sendQueue = transport.sendQueue();
        attach(transport);
    }

    UdpReceiveQueue receiveQueue() {
        return received;
    }

    // ---- binding ------------------------------------------------------------------------

    @Override
    public boolean bind() {
        SocketState state = getState();
        if (state != SocketState.DISCONNECTED) {
            status().reportErrorFromAnyThread(SocketError.OPERATION_ERROR, "bind() on socket '" + getObjectId()
                    + "' while it is " + state.seedName());
            return false;
        }
        loop.execute(() -> lifecycle().bind(true));
        return true;
    }

    @Override
    protected void bindRequested() {
        bind();
    }

    // ---- receiving ----------------------------------------------------------------------

    /**
     * Queues a received datagram and signals it, always (the data tap, {@code currentDatagram},
     * {@code datagramReceived}, {@code readyRead}): when the receive queue is full, the oldest
     * unread datagrams are evicted to make room, counted as dropped and reported by a paced
     * TemporaryError (see {@link #reportDrops()}), so a socket whose consumers only use events,
     * and never read, goes on hearing every arrival. Call on the loop thread.
     *
     * @param datagram the datagram
     */
    void deliver(UdpDatagram datagram) {
        countReceived(datagram.size());
        UdpReceiveQueue.Offer offer = received.offer(datagram, getReceiveQueueLimit(), getReadBufferLimit());
        if (offer == UdpReceiveQueue.Offer.QUEUED_EVICTED_WARN) {
            reportDrops();
        } else if (offer == UdpReceiveQueue.Offer.QUEUED_EVICTED && !dropReportScheduled) {
            // the drops after this warning are reported when the next one is due, even if
            // no further datagram arrives then
            dropReportScheduled = true;
            long nanos = received.nanosUntilWarning(System.nanoTime());
            loop.schedule(TimeUnit.NANOSECONDS.toMillis(nanos + 999_999), this::reportDrops);
        }
        tapData(datagram.getPayloadBuffer()); // after queueing: whoever sees the event can read it
        UdpDatagram previous = currentDatagram;
        currentDatagram = datagram;
        status().firePropertyChanged("currentDatagram", previous, datagram);
        listeners().fire(listener -> listener.datagramReceived(this, datagram));
        listeners().fire(listener -> listener.readyRead(this));
        if (endsWithLineFeed(datagram)) {
            listeners().fire(listener -> listener.lineAvailableForRead(this));
        }
    }

    /**
     * Reports the datagrams dropped since the last report as one TemporaryError naming the
     * socket and the counts, if there are any; on the loop thread, at most once per
     * {@link UdpReceiveQueue#WARNING_INTERVAL_NANOS} (the queue paces it).
     */
    private void reportDrops() {
        dropReportScheduled = false;
        long unwarned = received.takeUnwarned();
        if (unwarned > 0) {
            status().reportError(SocketError.TEMPORARY_ERROR, "Nobody reads socket '" + getObjectId()
                    + "' and its receive queue is full (" + getReceiveQueueLimit() + " datagrams or "
                    + getReadBufferLimit() + " bytes): the oldest unread datagrams were dropped to keep the"
                    + " newest, " + unwarned + " datagrams dropped since the last warning ("
                    + received.dropped() + " in all); every arrival is still signalled, with at most one"
                    + " such warning a second");
        }
    }

    private static boolean endsWithLineFeed(UdpDatagram datagram) {
        ByteBuffer payload = datagram.getPayloadBuffer();
        return payload.limit() > 0 && payload.get(payload.limit() - 1) == '\n';
    }

    @Override
    public UdpDatagram readDatagram() {
        return received.poll();
    }

    @Override
    public UdpDatagram getCurrentDatagram() {
        return currentDatagram;
    }

    @Override
    public int getPendingDatagramCount() {
        return received.size();
    }

    @Override
    public long getDroppedDatagramCount() {
        return received.dropped();
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
    public int read(ByteBuffer target) {
        if (target.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        if (!target.hasRemaining()) {
            return 0; // no room: the datagram stays queued
        }
        UdpDatagram next = readDatagram();
        if (next == null) {
            return 0;
        }
        ByteBuffer payload = next.getPayloadBuffer(); // a view: the payload is copied once, into the target
        int count = Math.min(payload.remaining(), target.remaining());
        target.put(payload.limit(payload.position() + count)); // what does not fit is dropped with the datagram, as read(int) does
        return count;
    }

    @Override
    public byte[] readAll() {
        UdpDatagram next = readDatagram();
        return next == null ? new byte[0] : next.getPayload();
    }

    @Override
    public byte[] peekAll() {
        UdpDatagram next = received.peek();
        return next == null ? new byte[0] : next.getPayload();
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
        UdpDatagram next = received.peek();
        return next == null ? 0 : next.size();
    }

    @Override
    public boolean atEnd() {
        return getPendingDatagramCount() == 0 && getState() == SocketState.DISCONNECTED;
    }

    // ---- sending ------------------------------------------------------------------------

    @Override
    public boolean writeDatagram(UdpDatagram datagram) {
        if (datagram == null) {
            status().reportErrorFromAnyThread(SocketError.DATAGRAM_WRITE_ERROR, "writeDatagram(null) on socket '"
                    + getObjectId() + "'");
            return false;
        }
        if (isReadOnly()) {
            status().reportDeviceError(SocketError.OPERATION_ERROR, "Socket '" + getObjectId()
                    + "' is read-only: datagram refused");
            return false;
        }
        InetSocketAddress peer = peerEnd();
        if (!datagram.hasDestination() && peer == null) {
            status().reportErrorFromAnyThread(SocketError.DATAGRAM_WRITE_ERROR, "Socket '" + getObjectId()
                    + "' cannot send a datagram without destination: it has no virtual connection");
            return false;
        }
        if (datagram.hasDestination() && (datagram.getDestinationPort() < 1)) {
            status().reportErrorFromAnyThread(SocketError.DATAGRAM_WRITE_ERROR, "Socket '" + getObjectId()
                    + "' cannot send to port " + datagram.getDestinationPort() + " of "
                    + datagram.getDestinationAddress());
            return false;
        }
        Optional<InetAddress> literal = datagram.hasDestination()
                ? IpLiterals.parse(datagram.getDestinationAddress()) : Optional.of(peer.getAddress());
        int max = literal.isPresent() && literal.get() instanceof Inet4Address ? MAX_IPV4_PAYLOAD : MAX_IPV6_PAYLOAD;
        if (datagram.size() > max) {
            status().reportErrorFromAnyThread(SocketError.DATAGRAM_TOO_LARGE_ERROR, "Datagram of " + datagram.size()
                    + " bytes from socket '" + getObjectId() + "' exceeds the UDP maximum of " + max + " bytes"
                    + (max == MAX_IPV4_PAYLOAD ? " over IPv4" : " over IPv6"));
            return false;
        }
        if (datagram.getHopLimit() != UdpDatagram.DEFAULT_HOP_LIMIT
                && !(literal.isPresent() && literal.get().isMulticastAddress())) {
            status().reportErrorFromAnyThread(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, "Socket '" + getObjectId()
                    + "': a per-datagram hopLimit applies to multicast destinations only; Java cannot set the"
                    + " TTL of one unicast datagram");
            return false;
        }
        if (datagram.hasDestination() && literal.isEmpty()) {
            return sendToHostName(datagram);
        }
        InetSocketAddress target = datagram.hasDestination()
                ? new InetSocketAddress(literal.get(), datagram.getDestinationPort()) : null;
        return sendQueue.enqueue(datagram, target);
    }

    private boolean sendToHostName(UdpDatagram datagram) {
        String host = datagram.getDestinationAddress();
        NetworkProtocol protocol = getProtocol();
        // The datagram counts against the send limit while its destination is looked up.
        if (!sendQueue.reserve(datagram.size())) {
            return false;
        }
        try {
            group.resolver().execute(() -> {
                try {
                    InetAddress address = HostResolver.resolve(host, protocol).get(0);
                    InetSocketAddress target = new InetSocketAddress(address, datagram.getDestinationPort());
                    loop.execute(() -> sendQueue.enqueueReserved(datagram, target));
                } catch (IOException | RuntimeException e) {
                    sendQueue.release(datagram.size());
                    status().reportErrorFromAnyThread(SocketError.HOST_NOT_FOUND_ERROR, "Host " + host
                            + " not found for a datagram of socket '" + getObjectId() + "': "
                            + SocketErrors.reason(e));
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            sendQueue.release(datagram.size());
            status().reportErrorFromAnyThread(SocketError.SOCKET_RESOURCE_ERROR, "Cannot look up " + host
                    + ": the resolver is shut down");
            return false;
        }
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
            status().reportDeviceError(SocketError.OPERATION_ERROR, "Cannot write to socket '" + getObjectId()
                    + "': it has no virtual connection (state " + getState().seedName()
                    + "); use writeDatagram() with a destination");
            return -1;
        }
        return writeDatagram(UdpDatagram.of(payload)) ? payload.length : -1;
    }

    @Override
    public boolean flush() {
        boolean pending = sendQueue.size() > 0;
        if (pending) {
            sendQueue.scheduleFlush();
        }
        return pending;
    }

    @Override
    public boolean sync() {
        flush();
        return sendQueue.size() == 0;
    }

    @Override
    public boolean isWritable() {
        return !isReadOnly() && (getState() == SocketState.BOUND || getState() == SocketState.CONNECTED);
    }

    // ---- properties ---------------------------------------------------------------------

    @Override
    public long getBytesToWrite() {
        return sendQueue.bytes();
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
        return askLoop(() -> transport.osOption(option));
    }

    /**
     * Returns the groups joined now, for tests and diagnostics; call on any thread (the answer
     * may be a moment old).
     *
     * @return the joined group literals
     */
    List<String> joinedGroups() {
        return askLoop(transport::joinedGroups);
    }
}
