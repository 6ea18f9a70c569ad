package ipsocket.api;

import java.nio.ByteBuffer;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A sequential byte device: the reading, writing and object members that every socket shares,
 * after the InCore {@code IoDevice} and {@code Object} types.
 *
 * <p>A socket buffers what arrives from the network until it is read; the buffer has a bound
 * (see {@link IpSocket#getReadBufferLimit()}), and while it is full the socket stops reading
 * from the operating system so that TCP flow control slows the peer down and nothing is
 * dropped. Writes are queued in a bounded write buffer and sent by the socket's event loop.
 *
 * <p>All methods are safe to call from any thread. The file-oriented members of the InCore
 * type are defined for a sequential device: {@link #getPos()} is always 0, {@link #getSize()}
 * equals {@link #getBytesAvailable()}, and a socket is never in append, truncate or unbuffered
 * mode.
 */
@ProviderType
public interface IoDevice {

    /**
     * Returns the name of this object (InCore {@code Object.objectId}).
     *
     * <p>For a socket configured through ConfigAdmin this is the configuration key
     * {@code objectId}, or the configuration's PID when the key is absent. It is also
     * registered as the service property {@code objectId}.
     *
     * @return the object id, never {@code null}
     */
    String getObjectId();

    /**
     * Returns the objectId of the object this one belongs to (InCore {@code Object.parent}).
     *
     * <p>OSGi has no object tree, so a socket has a parent only when its configuration (or the
     * properties given to its component factory) names one with the key
     * {@link SocketConfig#PARENT}: for example the device driver that a gateway bundle models
     * and that owns the socket. ipsocket reports it in {@link #serializeProperties()}, JSON and
     * {@code PROPERTY_CHANGED} events, and does nothing else with it.
     *
     * @return the parent's object id, empty when the socket has none; never {@code null}
     */
    String getParent();

    /**
     * Returns whether the device is in append mode; a socket never is.
     *
     * @return always {@code false} for a socket
     */
    boolean isAppend();

    /**
     * Returns whether there is nothing left to read: nothing is buffered and the peer has
     * closed the connection, or the socket was never connected.
     *
     * @return {@code true} if nothing is buffered and no more data can arrive
     */
    boolean atEnd();

    /**
     * Returns whether the device opens itself as soon as it can; for a socket this is the same
     * setting as {@link IpSocket#isAutoConnect()}.
     *
     * @return the auto-open setting, {@code true} by default
     */
    boolean isAutoOpen();

    /**
     * Sets whether the device opens itself as soon as it can; for a socket this is the same
     * setting as {@link IpSocket#setAutoConnect(boolean)}.
     *
     * @param autoOpen the new setting
     */
    void setAutoOpen(boolean autoOpen);

    /**
     * Returns the number of bytes received and buffered but not yet read.
     *
     * @return the number of bytes that {@link #readAll()} would return now
     */
    long getBytesAvailable();

    /**
     * Returns whether a complete line can be read: a line terminator is buffered, or as many
     * bytes as the maximum line length are buffered (see {@link #readLine()}).
     *
     * @return {@code true} if {@link #readLine()} would return a line now
     */
    boolean canReadLine();

    /**
     * Returns the text of the last device-level error, such as a write refused because the
     * device is read-only, or the empty string when there was none.
     *
     * @return the last device error text, never {@code null}
     */
    String getDeviceErrorString();

    /**
     * Returns whether the device is open: for a socket, from {@link IpSocket#connectToHost()}
     * (or, for UDP, binding) until it is {@link SocketState#DISCONNECTED} again, so also while it
     * looks up the host, connects and closes (as Qt's {@code isOpen()}).
     *
     * @return {@code true} if the device is open
     */
    boolean isOpen();

    /**
     * Returns whether data can be written now: not {@link #isReadOnly() read-only}, and for TCP
     * from {@link IpSocket#connectToHost()} until {@link IpSocket#disconnectFromHost()} or
     * {@link IpSocket#abort()} (bytes written while the host is looked up or the connection is
     * made wait in the write buffer and go out in order once connected; if the attempt fails
     * they are dropped and the error says how many); for UDP while bound or connected.
     *
     * @return {@code true} if {@link #write(byte[])} would accept data
     */
    boolean isWritable();

    /**
     * Returns the endpoint this device opens, as {@code host:port} (an IPv6 literal in
     * brackets, for example {@code [::1]:502}), or the empty string when no hostname is set.
     *
     * @return the name argument derived from hostname and port
     */
    String getNameArgument();

    /**
     * Sets hostname and port together from {@code host:port} text; an IPv6 literal must be
     * written in brackets ({@code [fe80::1%eth0]:502}).
     *
     * @param nameArgument the endpoint as {@code host:port}
     * @throws IllegalArgumentException if the text has no port or the port is not a number
     */
    void setNameArgument(String nameArgument);

    /**
     * Returns the read position; a sequential device has none.
     *
     * @return always 0
     */
    long getPos();

    /**
     * Returns whether the device is read-only. A read-only socket receives as usual but every
     * write is refused with -1, {@link SocketError#OPERATION_ERROR} and a device error string.
     *
     * @return {@code true} if writes are refused; {@code false} by default
     */
    boolean isReadOnly();

    /**
     * Sets whether the device is read-only; see {@link #isReadOnly()}.
     *
     * @param readOnly {@code true} to refuse every write
     */
    void setReadOnly(boolean readOnly);

    /**
     * Returns the size of the device; for a sequential device, the number of bytes available.
     *
     * @return the same value as {@link #getBytesAvailable()}
     */
    long getSize();

    /**
     * Returns whether the device truncates on open; a socket never does.
     *
     * @return always {@code false} for a socket
     */
    boolean isTruncate();

    /**
     * Returns whether the device bypasses its buffers; a socket always buffers reads and
     * writes (its event loop needs them), so it never is.
     *
     * @return always {@code false} for a socket
     */
    boolean isUnbuffered();

    /**
     * Opens the device; for a socket, the same as {@link IpSocket#connectToHost()}.
     *
     * @return {@code true} if opening started (it completes asynchronously), {@code false} if
     *         the socket is already open or opening; the reason is then in the error
     */
    boolean open();

    /**
     * Closes the device; for a socket, the same as {@link IpSocket#disconnectFromHost()} (a
     * graceful disconnect, as the seed's IoDevice says): every byte already accepted for sending
     * is handed to the operating system before the socket is Disconnected. Returns in
     * {@link SocketState#CLOSING} while bytes are pending, else {@link SocketState#DISCONNECTED}.
     */
    void close();

    /**
     * Pushes buffered outgoing bytes to the operating system as far as it accepts them now,
     * without blocking.
     *
     * @return {@code true} if any bytes were pending when called
     */
    boolean flush();

    /**
     * Pushes buffered outgoing bytes to the operating system and waits, up to the socket's
     * connect timeout, until the write buffer is empty. Must not be called from a listener
     * callback (the event-loop thread), where it behaves like {@link #flush()}.
     *
     * @return {@code true} if the write buffer is empty on return
     */
    boolean sync();

    /**
     * Reads and removes at most {@code maxSize} buffered bytes.
     *
     * @param maxSize the largest number of bytes to return, at least 0
     * @return the bytes read, an empty array when nothing is buffered
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    byte[] read(int maxSize);

    /**
     * Reads and removes buffered bytes into a buffer the caller keeps, as many as it has room
     * for: the way to read without an allocation per call (Qt's
     * {@code read(char *data, qint64 maxSize)}). A reader that echoes or forwards bulk data
     * keeps one (direct) buffer and hands it to {@link #write(ByteBuffer)} after a flip.
     *
     * <p>A TcpSocket copies up to {@code target.remaining()} bytes of its stream. A UdpSocket
     * copies the payload of the next datagram; when it does not fit, the rest is dropped with
     * it, as {@link #read(int)} drops it; a target without room leaves the datagram queued.
     *
     * @param target where the bytes go, from its position, which advances past them
     * @return the number of bytes read, 0 when nothing is buffered or the target has no room
     * @throws java.nio.ReadOnlyBufferException if {@code target} is read-only
     * @since 1.1
     */
    int read(ByteBuffer target);

    /**
     * Reads and removes everything buffered.
     *
     * @return the bytes read, an empty array when nothing is buffered
     */
    byte[] readAll();

    /**
     * Returns everything buffered without removing it.
     *
     * @return a copy of the buffered bytes, an empty array when nothing is buffered
     */
    byte[] peekAll();

    /**
     * Reads and removes one line, decoded as UTF-8, without its terminator ({@code "\n"} or
     * {@code "\r\n"}).
     *
     * <p>A line is at most {@link IpSocket#getMaxLineLength()} bytes (65535 by default). When
     * that many bytes are buffered with no terminator among them, they are returned as one
     * line and the rest of the over-long line follows as the next line: memory stays bounded
     * and no byte is lost. An empty string is returned both for an empty line and when no line
     * is available; call {@link #canReadLine()} first to tell them apart.
     *
     * @return the line without terminator, or the empty string when no line is available
     */
    String readLine();

    /**
     * Queues bytes for sending.
     *
     * <p>The write buffer is bounded ({@link IpSocket#getWriteBufferLimit()}): when the bytes
     * do not all fit, the leading bytes that fit are accepted and the return value says how
     * many; {@link SocketListener#bytesWritten} reports when buffered bytes have gone out.
     *
     * @param data the bytes to send; the array is copied and may be reused after the call
     * @return the number of bytes accepted (0 if the buffer is full), or -1 when the socket is
     *         not writable, with {@link SocketError#OPERATION_ERROR} reported
     */
    long write(byte[] data);

    /**
     * Queues the remaining bytes of a buffer for sending; see {@link #write(byte[])}.
     *
     * <p>The accepted bytes are copied and the buffer's position advances past them.
     *
     * @param data the bytes to send, from position to limit
     * @return the number of bytes accepted, or -1 when the socket is not writable
     */
    long write(ByteBuffer data);

    /**
     * Queues text for sending, encoded as UTF-8; see {@link #write(byte[])}.
     *
     * <p>When the encoded text does not fit in the write buffer, nothing is accepted (0 is
     * returned), so that a character is never cut in half.
     *
     * @param text the text to send
     * @return the number of bytes accepted, or -1 when the socket is not writable
     */
    long write(String text);

    /**
     * Returns the writable properties as JSON (InCore {@code Object.toJson()}): one member per
     * configuration key of {@link SocketConfig}, named as there.
     *
     * @return a JSON object as text
     */
    String toJson();

    /**
     * Applies writable properties from JSON (InCore {@code Object.fromJson()}); members not
     * present keep their value, unknown members are ignored.
     *
     * @param json a JSON object as produced by {@link #toJson()}
     * @throws IllegalArgumentException if the text is not a JSON object or a member has a value
     *         of the wrong type or range; nothing is applied then
     */
    void fromJson(String json);

    /**
     * Returns the writable properties as a map (InCore {@code Object.serializeProperties()}),
     * keyed by the configuration keys of {@link SocketConfig}.
     *
     * @return a new modifiable map
     */
    Map<String, Object> serializeProperties();

    /**
     * Applies writable properties from a map (InCore {@code Object.deserializeProperties()});
     * keys not present keep their value, unknown keys are ignored. Values may be typed or
     * Strings, as in configuration files.
     *
     * @param properties the properties keyed by the configuration keys of {@link SocketConfig}
     * @throws IllegalArgumentException if a value has the wrong type or range; nothing is
     *         applied then
     */
    void deserializeProperties(Map<String, ?> properties);
}
