package ipsocket.bench.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketListener;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpServerListener;
import ipsocket.api.TcpSocket;
import ipsocket.bench.peer.Peer;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.common.SocketSettings;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.server.TcpServerImpl;

/**
 * ipsocket's TcpServer as an echo server: every accepted connection writes back what it reads,
 * from its readyRead listener, as an application would.
 */
final class IpsocketEchoServer implements Peer {
    private final EventLoopGroup loops;
    private final TcpServerImpl server;

    IpsocketEchoServer(int ioThreads) throws IOException {
        loops = new EventLoopGroup(ioThreads);
        server = new TcpServerImpl(loops, "bench-echo");
        server.applySettings(SocketSettings.builder(SocketProperties.TCP_SERVER)
                .set(SocketProperties.SERVER_LOCAL_PORT, 0).set(SocketProperties.MAX_PENDING_CONNECTIONS, 65535)
                .set(SocketProperties.MAX_CONNECTIONS, 1 << 20).set(SocketProperties.LOW_DELAY, true).build());
        server.addListener(new TcpServerListener() {
            @Override
            public void newConnection(TcpServer listening, TcpSocket socket) {
                socket.addListener(Echo.INSTANCE);
            }
        });
        if (!server.listen()) {
            loops.close();
            throw new IOException(server.getErrorString());
        }
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(server.getLocalAddress(), server.getLocalPort());
    }

    @Override
    public void close() {
        server.dispose(2_000);
        loops.close();
    }

    /**
     * Writes back what arrives, no more than the write buffer takes (the rest stays in the read
     * buffer, whose limit stops reading from the OS: TCP backpressure, so a bulk stream is echoed
     * whole); one listener for every connection. Reads go through one direct buffer per loop
     * thread ({@code read(ByteBuffer)}, then {@code write(ByteBuffer)}), as an application that
     * forwards bulk data would: no array per arrival, and the socket writes the direct buffer
     * to the channel without the JDK's copy of a heap array. The buffer (1 MiB, the default
     * write buffer limit) takes what one readable event brings (the loop reads up to 16 x 64 KiB
     * per event) in one read and one write, as Netty's echo handler writes the reads of one event
     * and flushes them in one gathering write; with 64 KiB the echo made one write per 64 KiB
     * (server-throughput 0.92x raw NIO in the median of 9 runs, Netty NIO 1.02x; with 256 KiB
     * 1.11x and 1.14x; see docs/PERFORMANCE.md for the figures with 1 MiB).
     */
    private enum Echo implements SocketListener {
        INSTANCE;

        /** Called on the loop threads only: one buffer each. */
        private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(
                () -> ByteBuffer.allocateDirect(1024 * 1024));

        @Override
        public void readyRead(IpSocket socket) {
            pump(socket);
        }

        @Override
        public void bytesWritten(IpSocket socket, long bytes) {
            pump(socket);
        }

        private static void pump(IpSocket socket) {
            ByteBuffer buffer = BUFFERS.get();
            while (true) {
                long room = socket.getWriteBufferLimit() - socket.getBytesToWrite();
                if (room <= 0) {
                    return;
                }
                buffer.clear().limit((int) Math.min(buffer.capacity(), room));
                if (socket.read(buffer) == 0) {
                    return;
                }
                socket.write(buffer.flip());
            }
        }
    }
}
