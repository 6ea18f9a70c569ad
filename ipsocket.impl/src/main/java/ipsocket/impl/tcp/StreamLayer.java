package ipsocket.impl.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;

import ipsocket.api.SocketError;

/**
 * A byte layer between a TCP connection and the socket's buffers, such as TLS: the transport
 * reads application bytes from it and writes application bytes to it instead of the channel.
 * Without a layer the transport uses the channel itself (the identity layer).
 *
 * <p>One layer serves one connection. Every method runs on the socket's loop thread; the layer
 * moves bytes to and from the channel it was {@link #start started} on and never blocks.
 * {@link #read} returns the application bytes it can decode now (0 when it needs more from the
 * network, -1 at the end of the stream); {@link #write} takes the application bytes it could
 * encode and hand on, 0 while the network does not take more.
 */
public interface StreamLayer extends ReadableByteChannel, GatheringByteChannel {

    /** What a {@link #handshake()} step waits for. */
    enum Step {
        /** More bytes from the peer. */
        READ,
        /** Room in the OS send buffer for what is encoded. */
        WRITE,
        /** A task running off the loop; the layer calls its resume task when it is done. */
        TASK,
        /** Nothing: the handshake is done and application bytes flow. */
        DONE
    }

    /** A layer that cannot be set up (unreadable certificate or key): the error and its text. */
    final class SetupException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient SocketError error;

        /**
         * Creates the failure.
         *
         * @param error the error to report
         * @param text the text, naming the cause
         */
        public SetupException(SocketError error, String text) {
            super(text, null, false, false);
            this.error = error;
        }

        /**
         * Returns the error to report.
         *
         * @return the error
         */
        public SocketError error() {
            return error;
        }
    }

    /** An error and its text, for a failure of the layer. */
    final class Failure {
        /** The error to report. */
        public final SocketError error;
        /** The text, naming the cause. */
        public final String text;

        /**
         * Creates the description.
         *
         * @param error the error
         * @param text the text
         */
        public Failure(SocketError error, String text) {
            this.error = error;
            this.text = text;
        }
    }

    /**
     * Starts on a connected channel: the handshake begins with the next {@link #handshake()}.
     *
     * @param channel the connected channel
     * @param resume run on the loop when a task the layer handed off has finished
     */
    void start(SocketChannel channel, Runnable resume);

    /**
     * Advances the handshake (also a re-handshake or key update) as far as it can now.
     *
     * @return what it waits for
     * @throws IOException if the handshake failed
     */
    Step handshake() throws IOException;

    /**
     * Returns whether application bytes flow: the handshake is done and none is under way.
     *
     * @return {@code true} when {@link #read} and {@link #write} move application bytes
     */
    boolean ready();

    /**
     * Hands encoded bytes that wait (from an earlier write the OS did not take whole) to the OS.
     *
     * @throws IOException if the channel fails
     */
    void flushOutput() throws IOException;

    /**
     * Returns whether encoded bytes wait for room in the OS send buffer.
     *
     * @return {@code true} while output is pending
     */
    boolean hasPendingOutput();

    /**
     * Returns whether decoded or decodable bytes wait in the layer (the OS may have none left to
     * signal readiness for).
     *
     * @return {@code true} if a read could return bytes without new network input
     */
    boolean hasBufferedInput();

    /**
     * Ends the stream for writing (TLS close_notify) and hands it to the OS.
     *
     * @return {@code true} once everything is with the OS, {@code false} while waiting for room
     */
    boolean closeOutput();

    /**
     * Returns whether the peer ended its stream properly (TLS close_notify) rather than just closing.
     *
     * @return {@code true} after a proper end
     */
    boolean endedCleanly();

    /**
     * Returns the milliseconds the handshake may take.
     *
     * @return the limit
     */
    long handshakeTimeoutMillis();

    /**
     * Describes a failure of this layer, signalling what the layer signals about it first.
     *
     * @param failure the exception from {@link #handshake()}, {@link #read} or {@link #write}
     * @param during what the socket was doing, for the text ({@code "handshake"} or {@code "connection"})
     * @return the error and text, or {@code null} if the failure is no failure of the layer (a reset)
     */
    Failure describe(IOException failure, String during);

    /** Called once the handshake is done for the first time: the layer signals it. */
    void established();

    /** Releases what the layer holds; the connection is gone. */
    void release();

    /**
     * Writes one buffer; the same as the gathering write of one buffer.
     *
     * @param source the bytes
     * @return the number of bytes taken
     * @throws IOException if encoding or sending fails
     */
    @Override
    default int write(ByteBuffer source) throws IOException {
        return (int) write(new ByteBuffer[] {source}, 0, 1);
    }

    @Override
    default long write(ByteBuffer[] sources) throws IOException {
        return write(sources, 0, sources.length);
    }

    @Override
    default boolean isOpen() {
        return true;
    }

    @Override
    default void close() {
        release();
    }
}
