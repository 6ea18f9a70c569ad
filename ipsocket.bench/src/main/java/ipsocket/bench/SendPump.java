package ipsocket.bench;

import java.nio.ByteBuffer;

import ipsocket.api.IpSocket;

/**
 * The bulk sender of tcp-throughput's ipsocket client and the events mode: a transfer's bytes
 * offered in chunk-sized writes, continued from {@code bytesWritten} until the socket's write
 * buffer takes no more. Not thread-safe: one transfer at a time, on one thread at a time.
 */
public final class SendPump {
    private ByteBuffer data = ByteBuffer.allocate(0);
    private long notStarted;

    /**
     * Starts a transfer.
     *
     * @param bytes how many bytes to send
     * @param chunk the size of one write
     */
    public void reset(long bytes, int chunk) {
        if (data.capacity() != chunk) {
            data = ByteBuffer.wrap(Proto.pattern(chunk));
        }
        data.limit(0);
        notStarted = bytes;
    }

    /**
     * Offers writes until the write buffer takes no more or the transfer is all offered.
     *
     * @param socket the socket
     * @return {@code false} if the socket refused a write (its error string says why)
     */
    public boolean pump(IpSocket socket) {
        int chunk = data.capacity();
        while (data.hasRemaining() || notStarted > 0) {
            if (!data.hasRemaining()) {
                int n = (int) Math.min(chunk, notStarted);
                data.clear().limit(n);
                notStarted -= n;
            }
            long accepted = socket.write(data);
            if (accepted <= 0) {
                return accepted == 0;
            }
        }
        return true;
    }
}
