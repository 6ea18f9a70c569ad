package ipsocket.bench.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import ipsocket.bench.Proto;

/**
 * Bulk source (the receive direction of tcp-throughput, used by the events mode): reads a
 * 16-byte request, big-endian length L and write size W (0: the peer's chunk), then sends L
 * bytes in writes of W bytes; repeats.
 */
public final class SourcePeer extends ThreadedTcpPeer {
    private final int chunk;

    public SourcePeer(int port, int chunk) throws IOException {
        super("source", port);
        this.chunk = chunk;
    }

    @Override
    void serve(SocketChannel ch) throws IOException {
        ByteBuffer request = ByteBuffer.allocateDirect(16);
        ByteBuffer data = ByteBuffer.allocateDirect(chunk);
        data.put(Proto.pattern(chunk)).flip();
        while (true) {
            request.clear();
            if (!readFully(ch, request)) {
                return;
            }
            long remaining = request.flip().getLong();
            long size = request.getLong();
            int write = size <= 0 || size > chunk ? chunk : (int) size;
            while (remaining > 0) {
                int n = (int) Math.min(write, remaining);
                data.clear().limit(n);
                writeFully(ch, data);
                remaining -= n;
            }
        }
    }
}
