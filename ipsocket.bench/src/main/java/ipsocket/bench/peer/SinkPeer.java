package ipsocket.bench.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import ipsocket.bench.Proto;

/** tcp-throughput sink: reads an 8-byte length L, then L bytes, answers 'K'; repeats. */
public final class SinkPeer extends ThreadedTcpPeer {
    public SinkPeer(int port) throws IOException {
        super("sink", port);
    }

    @Override
    void serve(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        ByteBuffer ack = ByteBuffer.allocateDirect(1);
        buf.limit(0);
        while (true) {
            // The header may share a read with payload bytes: keep what is buffered.
            while (buf.remaining() < 8) {
                buf.compact();
                if (ch.read(buf) < 0) {
                    return;
                }
                buf.flip();
            }
            long remaining = buf.getLong();
            if (remaining < 0) {
                return;
            }
            while (true) {
                int take = (int) Math.min(remaining, buf.remaining());
                buf.position(buf.position() + take);
                remaining -= take;
                if (remaining == 0) {
                    break;
                }
                buf.clear();
                if (ch.read(buf) < 0) {
                    return;
                }
                buf.flip();
            }
            ack.clear();
            ack.put(Proto.ACK).flip();
            writeFully(ch, ack);
        }
    }
}
