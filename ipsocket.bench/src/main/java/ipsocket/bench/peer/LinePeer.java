package ipsocket.bench.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import ipsocket.bench.Proto;

/** tcp-lines source: reads an 8-byte count N, answers N short lines; repeats. */
public final class LinePeer extends ThreadedTcpPeer {
    private static final Proto.LineBlock BLOCK = Proto.lineBlock(64 * 1024);

    public LinePeer(int port) throws IOException {
        super("lines", port);
    }

    @Override
    void serve(SocketChannel ch) throws IOException {
        ByteBuffer request = ByteBuffer.allocateDirect(8);
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK.bytes.length);
        block.put(BLOCK.bytes).flip();
        int perBlock = BLOCK.lineCount();
        while (true) {
            request.clear();
            if (!readFully(ch, request)) {
                return;
            }
            long lines = request.flip().getLong();
            while (lines > 0) {
                int n = (int) Math.min(lines, perBlock);
                block.clear().limit(BLOCK.ends[n - 1]);
                writeFully(ch, block);
                lines -= n;
            }
        }
    }
}
