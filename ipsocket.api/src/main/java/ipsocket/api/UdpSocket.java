package ipsocket.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A UDP socket, after the InCore {@code UdpSocket} type and Qt's {@code QUdpSocket}.
 *
 * <p>A UDP socket is {@link #bind() bound} to a local address and port (state
 * {@link SocketState#BOUND}) and sends and receives whole datagrams. {@link #connectToHost()}
 * makes a virtual connection to hostname and port (state {@link SocketState#CONNECTED}):
 * {@link #read(int)}, {@link #readAll()} and {@link #write(byte[])} then work on datagram
 * payloads to and from that peer only, and datagrams from other senders are ignored.
 *
 * <p>Every received datagram is kept whole with its sender and destination in a bounded
 * receive queue ({@link #getReceiveQueueLimit()}): the newest are kept, the oldest unread are
 * dropped. Every arrival is queued, becomes the {@link #getCurrentDatagram() current datagram},
 * is signalled ({@link SocketListener#datagramReceived}, {@code readyRead}) and makes its
 * event; when the queue is full, the oldest unread datagrams are evicted to make room and
 * counted ({@link #getDroppedDatagramCount()}), never silently: a
 * {@link SocketError#TEMPORARY_ERROR} reports them, at most once a second, with the number
 * dropped since the previous report. A consumer that only listens (or only uses events) and
 * never reads therefore hears every datagram, while the queue's memory stays bounded; one that
 * reads finds the newest unread datagrams.
 */
@ProviderType
public interface UdpSocket extends IpSocket {

    /**
     * Returns the datagram received most recently; replaced on each arrival, before
     * {@link SocketListener#datagramReceived} is called.
     *
     * @return the latest datagram, or {@code null} if none has arrived
     */
    UdpDatagram getCurrentDatagram();

    /**
     * Sends a datagram to its destination address and port, or, where those are unset, to the
     * peer of the virtual connection. Its hop limit, when set, applies to this datagram only.
     *
     * <p>A datagram with no destination on an unconnected socket is refused with
     * {@link SocketError#DATAGRAM_WRITE_ERROR}; a payload larger than 65507 bytes (IPv4) or
     * 65527 bytes (IPv6), or than the operating system allows, with
     * {@link SocketError#DATAGRAM_TOO_LARGE_ERROR}.
     *
     * @param datagram the datagram to send
     * @return {@code true} if the datagram was accepted for sending
     */
    boolean writeDatagram(UdpDatagram datagram);

    /**
     * Removes and returns the oldest datagram in the receive queue.
     *
     * @return the oldest queued datagram, or {@code null} when the queue is empty
     */
    UdpDatagram readDatagram();

    /**
     * Returns the number of datagrams waiting in the receive queue.
     *
     * @return the queued datagram count
     */
    int getPendingDatagramCount();

    /**
     * Returns how many unread datagrams were dropped because the receive queue was full: the
     * newest are kept, the oldest unread are dropped (each was signalled when it arrived).
     *
     * @return the dropped datagram count since the socket was created
     */
    long getDroppedDatagramCount();

    /**
     * Returns the most datagrams kept in the receive queue: beyond it, the newest are kept, the
     * oldest unread are dropped.
     *
     * @return the limit, 1024 by default
     */
    int getReceiveQueueLimit();

    /**
     * Sets the most datagrams kept in the receive queue (beyond it, the newest are kept, the
     * oldest unread are dropped); applies to the next arrival.
     *
     * @param receiveQueueLimit the limit, at least 1
     * @throws IllegalArgumentException if the value is less than 1
     */
    void setReceiveQueueLimit(int receiveQueueLimit);

    /**
     * Binds the socket to {@link #getLocalAddress() local address} and
     * {@link #getLocalPort() local port} (0 = a port chosen by the operating system) and
     * joins the configured multicast groups; the socket enters {@link SocketState#BOUND}.
     *
     * @return {@code true} if binding started; {@code false} if the socket is already bound
     *         or connected, with {@link SocketError#OPERATION_ERROR} reported
     */
    boolean bind();

    /**
     * Returns the multicast groups the socket joins while bound.
     *
     * @return an unmodifiable list of group addresses, empty by default
     */
    List<String> getMulticastGroups();

    /**
     * Sets the multicast groups to join; on a bound socket groups no longer listed are left
     * and new ones joined at once. IPv4 groups are joined on IPv4 sockets and IPv6 groups on
     * IPv6 sockets.
     *
     * @param multicastGroups group addresses such as {@code 239.255.0.1} or {@code ff02::fb}
     * @throws IllegalArgumentException if an entry is not a multicast address literal
     */
    void setMulticastGroups(List<String> multicastGroups);

    /**
     * Returns the name of the interface used to join groups and to send multicast
     * ({@code IP_MULTICAST_IF}).
     *
     * @return the interface name such as {@code eth0}, or the empty string (the default) for
     *         every multicast-capable interface when joining and the routing table's choice
     *         when sending
     */
    String getMulticastInterface();

    /**
     * Sets the interface used for multicast; applies at the next bind and to groups joined
     * afterwards.
     *
     * @param multicastInterface an interface name, or the empty string for the default
     */
    void setMulticastInterface(String multicastInterface);

    /**
     * Returns whether sending to broadcast addresses is allowed ({@code SO_BROADCAST}).
     *
     * @return the setting, {@code false} by default
     */
    boolean isBroadcast();

    /**
     * Allows or forbids sending to broadcast addresses, live on a bound socket.
     *
     * @param broadcast the new setting
     */
    void setBroadcast(boolean broadcast);
}
