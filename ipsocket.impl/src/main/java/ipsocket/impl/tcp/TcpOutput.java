package ipsocket.impl.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.impl.common.ChannelOutput;
import ipsocket.impl.io.WriteBuffer;

/**
 * The write side of a TCP socket: callers' writes go straight to the channel while nothing is
 * queued (no copy, no hop to the loop), the rest waits in a bounded write buffer that the loop
 * flushes; a full buffer accepts fewer bytes (backpressure), never drops accepted ones.
 *
 * <p>Everything here is guarded by one lock, which the loop's flush holds too, so bytes keep
 * their order whichever thread writes them.
 */
final class TcpOutput extends ChannelOutput<TcpSocketImpl, SocketChannel> {
    /**
     * Made by the first write that has to wait: most sockets only ever write straight to the
     * channel, and a gateway holds thousands of idle ones. Guarded by this output's monitor.
     */
    private WriteBuffer writeBuffer;
    private boolean acceptingWrites;

    /**
     * Creates the write side of a socket.
     *
     * @param transport the socket's transport, which flushes on the loop thread
     */
    TcpOutput(TcpTransport transport) {
        super(transport);
    }

    // ---- loop thread ------------------------------------------------------------------------

    /**
     * Starts accepting writes for a connected channel.
     *
     * @param channel the channel
     */
    void open(SocketChannel channel) {
        synchronized (this) {
            acceptingWrites = true;
            setDirectChannel(channel);
        }
    }

    /**
     * Accepts writes while a connection is being made: they wait in the buffer (within its
     * limit) and go out in order once {@link #open connected}.
     */
    void acceptWhileConnecting() {
        synchronized (this) {
            acceptingWrites = true;
            setDirectChannel(null);
        }
    }

    /**
     * Stops accepting writes and drops what is queued, for a connection attempt that failed.
     *
     * @return the number of bytes dropped
     */
    long discardUnsent() {
        synchronized (this) {
            long dropped = queued();
            acceptingWrites = false;
            writeBuffer = null;
            notifyAll();
            return dropped;
        }
    }

    /** Stops accepting writes, drops what is queued and wakes waiting {@code sync()} callers. */
    void close() {
        synchronized (this) {
            acceptingWrites = false;
            setDirectChannel(null);
            writeBuffer = null;
            notifyAll();
        }
    }

    /** The answer of a flush when no write ever had to wait: no allocation per flush. */
    private static final Flushed NOTHING_QUEUED = new Flushed(0, null, true);

    /** The outcome of one flush. */
    static final class Flushed {
        final long written;
        final IOException failure;
        final boolean drained;

        Flushed(long written, IOException failure, boolean drained) {
            this.written = written;
            this.failure = failure;
            this.drained = drained;
        }
    }

    /**
     * Writes what the OS accepts now.
     *
     * @param channel the channel, or the byte layer over it
     * @return what was written, whether the buffer is empty, and a failure if one occurred
     */
    Flushed writeTo(GatheringByteChannel channel) {
        synchronized (this) {
            if (writeBuffer == null) {
                notifyAll();
                return NOTHING_QUEUED;
            }
            long written = writeBuffer.writeTo(channel);
            IOException failure = writeBuffer.takeFailure();
            boolean drained = writeBuffer.isEmpty();
            if (drained) {
                notifyAll();
            }
            return new Flushed(written, failure, drained);
        }
    }

    // ---- any thread -------------------------------------------------------------------------

    /**
     * Stops accepting writes (a close or half-close was asked for).
     *
     * @return {@code true} if writes were accepted until now
     */
    boolean stopAccepting() {
        synchronized (this) {
            boolean was = acceptingWrites;
            acceptingWrites = false;
            return was;
        }
    }

    /** Stops accepting writes and drops what is queued (an abort). */
    void discard() {
        synchronized (this) {
            acceptingWrites = false;
            writeBuffer = null;
            notifyAll();
        }
    }

    long write(ByteBuffer data) {
        if (refuseWrite()) {
            return -1;
        }
        synchronized (this) {
            if (!acceptingWrites) {
                return rejectWrite();
            }
            return queueOrWrite(data, data.remaining());
        }
    }

    long write(String text) {
        return writeWhole(text.getBytes(StandardCharsets.UTF_8)); // never cut a character in half
    }

    /**
     * Accepts all the bytes or none: 0 when they do not fit in the write buffer now.
     *
     * @param bytes the bytes
     * @return the number of bytes accepted (all or 0), or -1 when the socket is not writable
     */
    long writeWhole(byte[] bytes) {
        if (refuseWrite()) {
            return -1;
        }
        synchronized (this) {
            if (!acceptingWrites) {
                return rejectWrite();
            }
            if (socket.getWriteBufferLimit() - queued() < bytes.length) {
                return 0;
            }
            return queueOrWrite(ByteBuffer.wrap(bytes), bytes.length);
        }
    }

    /**
     * Writes straight to the channel while nothing is queued, then queues what the OS did not
     * take, up to the buffer limit. Call holding the monitor.
     *
     * @param data the bytes, from position to limit
     * @param offered how many of them the caller offers
     * @return the number of bytes accepted
     */
    private long queueOrWrite(ByteBuffer data, int offered) {
        int end = data.position() + offered;
        int limit = data.limit();
        data.limit(end);
        long direct = 0;
        try {
            SocketChannel directChannel = directChannel();
            if (directChannel != null && queued() == 0) {
                try {
                    direct = directChannel.write(data);
                } catch (IOException e) {
                    direct = 0; // the loop's next flush meets the same failure and reports it
                }
            }
            long space = socket.getWriteBufferLimit() - queued();
            int queued = (int) Math.max(0, Math.min(data.remaining(), space));
            if (queued > 0) {
                if (writeBuffer == null) {
                    writeBuffer = new WriteBuffer();
                }
                writeBuffer.append(data, queued);
            }
            if (direct > 0) {
                sentDirectly(direct);
            }
            if (queued > 0 || direct == 0 && offered > 0) {
                scheduleFlush();
            }
            return direct + queued;
        } finally {
            data.limit(limit);
        }
    }

    private boolean refuseWrite() {
        if (socket.isReadOnly()) {
            socket.status().reportDeviceError(SocketError.OPERATION_ERROR, "Socket '" + socket.getObjectId()
                    + "' is read-only: write to " + socket.endpoint() + " refused");
            return true;
        }
        return false;
    }

    private long rejectWrite() {
        SocketState state = socket.getState();
        socket.status().reportDeviceError(SocketError.OPERATION_ERROR, "Cannot write to socket '"
                + socket.getObjectId() + "' (" + socket.endpoint() + "): it is " + state.seedName()
                + (state == SocketState.CONNECTED ? " with its output shut down" : ""));
        return -1;
    }

    /**
     * Waits until the buffer is empty or the timeout passes.
     *
     * @param timeoutMillis how long to wait
     * @return {@code true} if everything went out
     */
    boolean awaitDrained(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (this) {
            try {
                long remaining;
                while (queued() > 0 && (remaining = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(this, remaining);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return queued() == 0;
        }
    }

    /**
     * Stops callers' direct writes for a switch to a byte layer (STARTTLS), if nothing is queued.
     *
     * @return {@code false} if bytes are still queued or writes are not accepted
     */
    boolean holdForLayer() {
        synchronized (this) {
            if (!acceptingWrites || queued() > 0) {
                return false;
            }
            setDirectChannel(null);
            return true;
        }
    }

    long pending() {
        synchronized (this) {
            return queued();
        }
    }

    /** The bytes waiting in the write buffer; call holding the monitor. */
    private long queued() {
        return writeBuffer == null ? 0 : writeBuffer.size();
    }

    boolean acceptsWrites() {
        synchronized (this) {
            return acceptingWrites;
        }
    }
}
