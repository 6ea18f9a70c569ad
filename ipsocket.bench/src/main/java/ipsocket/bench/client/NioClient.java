package ipsocket.bench.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import ipsocket.bench.Deadline;
import ipsocket.bench.Proto;
import ipsocket.bench.TlsMaterial;

/**
 * The raw java.nio baseline: one thread (the caller's) with a {@link Selector}, non-blocking
 * channels and direct buffers, no framework. This is what the ratios are relative to.
 */
public final class NioClient implements Client {

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public int ioThreads() {
        return 1;
    }

    private static SocketChannel connect(Selector sel, InetSocketAddress peer, boolean noDelay, Deadline d)
            throws IOException, java.util.concurrent.TimeoutException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            if (noDelay) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            if (!ch.connect(peer)) {
                SelectionKey key = ch.register(sel, SelectionKey.OP_CONNECT);
                while (!ch.finishConnect()) {
                    d.check();
                    sel.select(d.waitMillis());
                    sel.selectedKeys().clear();
                }
                key.interestOps(0);
            }
            return ch;
        } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
            ch.close();
            throw e;
        }
    }

    /** Writes all of {@code buf}, waiting for OP_WRITE when the socket is full. */
    private static void writeAll(SocketChannel ch, Selector sel, ByteBuffer buf, Deadline d) throws Exception {
        while (buf.hasRemaining()) {
            if (ch.write(buf) == 0) {
                SelectionKey key = ch.keyFor(sel) != null ? ch.keyFor(sel) : ch.register(sel, 0);
                int ops = key.interestOps();
                key.interestOps(ops | SelectionKey.OP_WRITE);
                d.check();
                sel.select(d.waitMillis());
                sel.selectedKeys().clear();
                key.interestOps(ops);
            }
        }
    }

    /** Reads until {@code buf} is full. */
    private static void readAll(SocketChannel ch, Selector sel, ByteBuffer buf, Deadline d) throws Exception {
        while (buf.hasRemaining()) {
            int n = ch.read(buf);
            if (n < 0) {
                throw new IOException("peer closed the connection");
            }
            if (n == 0) {
                // Read interest stays on once set: no epoll_ctl per round trip.
                SelectionKey key = ch.keyFor(sel) != null ? ch.keyFor(sel) : ch.register(sel, 0);
                if ((key.interestOps() & SelectionKey.OP_READ) == 0) {
                    key.interestOps(key.interestOps() | SelectionKey.OP_READ);
                }
                d.check();
                sel.select(d.waitMillis());
                sel.selectedKeys().clear();
            }
        }
    }

    @Override
    public long tcpThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline d) throws Exception {
        try (Selector sel = Selector.open(); SocketChannel ch = connect(sel, peer, false, d)) {
            ByteBuffer header = ByteBuffer.allocateDirect(8);
            header.putLong(bytes).flip();
            ByteBuffer data = ByteBuffer.allocateDirect(chunk);
            data.put(Proto.pattern(chunk)).flip();
            ByteBuffer ack = ByteBuffer.allocateDirect(1);
            long start = System.nanoTime();
            writeAll(ch, sel, header, d);
            long remaining = bytes;
            while (remaining > 0) {
                data.clear().limit((int) Math.min(chunk, remaining));
                writeAll(ch, sel, data, d);
                remaining -= data.limit();
            }
            readAll(ch, sel, ack, d);
            long elapsed = System.nanoTime() - start;
            if (ack.get(0) != Proto.ACK) {
                throw new IOException("sink answered " + ack.get(0) + " instead of 'K'");
            }
            return elapsed;
        }
    }

    /** The raw baseline: a JDK SSLEngine over a blocking channel on this thread. */
    @Override
    public long tlsThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline d) throws Exception {
        try (SslEngineStream tls = new SslEngineStream(TlsMaterial.get().newClientContext(), peer)) {
            ByteBuffer header = ByteBuffer.allocateDirect(8);
            header.putLong(bytes).flip();
            ByteBuffer data = ByteBuffer.allocateDirect(chunk);
            data.put(Proto.pattern(chunk)).flip();
            long start = System.nanoTime();
            tls.write(header);
            long remaining = bytes;
            while (remaining > 0) {
                data.clear().limit((int) Math.min(chunk, remaining));
                tls.write(data);
                remaining -= data.limit();
            }
            byte ack = tls.readByte();
            long elapsed = System.nanoTime() - start;
            if (ack != Proto.ACK) {
                throw new IOException("TLS sink answered " + ack + " instead of 'K'");
            }
            return elapsed;
        }
    }

    @Override
    public Handshakes tlsHandshakes(InetSocketAddress peer, long nanos, boolean resumed, Deadline d) throws Exception {
        javax.net.ssl.SSLContext shared = TlsMaterial.get().clientContext();
        ByteBuffer zero = ByteBuffer.allocateDirect(8);
        long count = 0;
        long start = System.nanoTime();
        long end = start + nanos;
        while (System.nanoTime() - end < 0) {
            // full: a context of its own per connection, nothing to resume
            try (SslEngineStream tls = new SslEngineStream(resumed ? shared : TlsMaterial.get().newClientContext(),
                    peer)) {
                zero.clear().putLong(0).flip();
                tls.write(zero);
                if (tls.readByte() != Proto.ACK) {
                    throw new IOException("the TLS sink answered something else");
                }
            }
            count++;
        }
        return new Handshakes(count, System.nanoTime() - start);
    }

    /**
     * server-throughput: connect to an echo server, send {@code bytes} in writes of {@code chunk}
     * bytes while reading the echo, until every byte came back. Only raw NIO drives the server
     * modes (the client is the constant there, the server the variable), so only it has this.
     *
     * @return nanoseconds from the first write to the last byte echoed
     */
    public long echoThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline d) throws Exception {
        try (Selector sel = Selector.open(); SocketChannel ch = connect(sel, peer, false, d)) {
            ByteBuffer out = ByteBuffer.allocateDirect(chunk);
            out.put(Proto.pattern(chunk)).flip().limit((int) Math.min(chunk, bytes));
            ByteBuffer in = ByteBuffer.allocateDirect(Math.max(chunk, 64 * 1024));
            SelectionKey key = ch.register(sel, 0);
            long sent = out.limit();
            long received = 0;
            long start = System.nanoTime();
            while (received < bytes) {
                // Both directions on one thread, never blocking on either: the echo of what was
                // sent must be read for the server to keep taking more.
                int written = out.hasRemaining() ? ch.write(out) : 0;
                if (!out.hasRemaining() && sent < bytes) {
                    out.clear().limit((int) Math.min(chunk, bytes - sent));
                    sent += out.limit();
                }
                in.clear();
                int read = ch.read(in);
                if (read < 0) {
                    throw new IOException("echo server closed after " + received + " of " + bytes + " bytes");
                }
                received += read;
                if (written == 0 && read == 0) {
                    key.interestOps(SelectionKey.OP_READ | (out.hasRemaining() ? SelectionKey.OP_WRITE : 0));
                    d.check();
                    sel.select(d.waitMillis());
                    sel.selectedKeys().clear();
                }
            }
            if (received != bytes) {
                throw new IOException("echo server returned " + received + " bytes for " + bytes);
            }
            return System.nanoTime() - start;
        }
    }

    @Override
    public Latencies tcpPingPong(InetSocketAddress peer, int msg, long nanos, Deadline d) throws Exception {
        try (Selector sel = Selector.open(); SocketChannel ch = connect(sel, peer, true, d)) {
            ByteBuffer out = ByteBuffer.allocateDirect(msg);
            out.put(Proto.pattern(msg)).flip();
            ByteBuffer in = ByteBuffer.allocateDirect(msg);
            long[] samples = new long[Latency.capacity(nanos)];
            int count = 0;
            long start = System.nanoTime();
            long end = start + nanos;
            long now = start;
            while (now - end < 0 && count < samples.length) {
                out.clear();
                in.clear();
                writeAll(ch, sel, out, d);
                readAll(ch, sel, in, d);
                long t = System.nanoTime();
                samples[count++] = t - now;
                now = t;
            }
            return new Latencies(samples, count, now - start);
        }
    }

    @Override
    public LineRun tcpLines(InetSocketAddress peer, long lines, Deadline d) throws Exception {
        try (Selector sel = Selector.open(); SocketChannel ch = connect(sel, peer, false, d)) {
            ByteBuffer req = ByteBuffer.allocateDirect(8);
            req.putLong(lines).flip();
            ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
            // Heap work array: the unfinished line at the front, then the newest read.
            byte[] work = new byte[128 * 1024];
            int carry = 0;
            long got = 0;
            long chars = 0;
            SelectionKey key = ch.register(sel, 0);
            long start = System.nanoTime();
            writeAll(ch, sel, req, d);
            key.interestOps(SelectionKey.OP_READ);
            while (got < lines) {
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    throw new IOException("line source closed after " + got + " lines");
                }
                if (n == 0) {
                    d.check();
                    sel.select(d.waitMillis());
                    sel.selectedKeys().clear();
                    continue;
                }
                if (carry + n > work.length) {
                    work = java.util.Arrays.copyOf(work, Math.max(work.length * 2, carry + n));
                }
                in.flip();
                in.get(work, carry, n);
                int end = carry + n;
                int lineStart = 0;
                for (int i = carry; i < end; i++) {
                    if (work[i] == '\n') {
                        int lineEnd = i > lineStart && work[i - 1] == '\r' ? i - 1 : i;
                        String line = new String(work, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
                        chars += line.length();
                        got++;
                        lineStart = i + 1;
                    }
                }
                carry = end - lineStart;
                System.arraycopy(work, lineStart, work, 0, carry);
            }
            return new LineRun(got, chars, System.nanoTime() - start);
        }
    }

    @Override
    public UdpRun udp(InetSocketAddress peer, int dgram, long nanos, long runId, Deadline d) throws Exception {
        try (Selector sel = Selector.open(); DatagramChannel ch = DatagramChannel.open()) {
            ch.configureBlocking(false);
            ch.connect(peer);
            SelectionKey key = ch.register(sel, 0);
            ByteBuffer out = ByteBuffer.allocateDirect(dgram);
            out.put(Proto.pattern(dgram)).putLong(0, runId);
            long sent = 0;
            long start = System.nanoTime();
            long end = start + nanos;
            long now = start;
            while (now - end < 0) {
                for (int i = 0; i < 64; i++) {
                    out.clear();
                    out.putLong(8, sent);
                    if (ch.write(out) == 0) {
                        key.interestOps(SelectionKey.OP_WRITE);
                        sel.select(10);
                        sel.selectedKeys().clear();
                        key.interestOps(0);
                        break;
                    }
                    sent++;
                }
                now = System.nanoTime();
            }
            long sendNanos = now - start;
            return UdpEnd.finish(ch, sel, key, runId, sent, sendNanos, d);
        }
    }

    @Override
    public UdpRun udpRecv(InetSocketAddress peer, int dgram, long nanos, long runId, Deadline d) throws Exception {
        try (Selector sel = Selector.open(); DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, Proto.UDP_RECV_BUFFER);
            ch.configureBlocking(false);
            ch.connect(peer);
            ch.register(sel, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocateDirect(65536);
            ByteBuffer blast = ByteBuffer.allocateDirect(32);
            blast.put(Proto.blastRequest(runId, nanos, dgram)).flip();
            ByteBuffer status = ByteBuffer.allocateDirect(16);
            status.put(Proto.statusRequest(runId)).flip();
            ch.write(blast);
            long received = 0;
            long first = 0;
            long last = 0;
            long sent = -1;
            long askAt = System.nanoTime() + nanos + 50_000_000L;
            while (sent < 0) {
                d.check();
                long now = System.nanoTime();
                if (now - askAt >= 0) {
                    if (received == 0) {
                        blast.rewind();
                        ch.write(blast); // the request may have been lost
                    }
                    status.rewind();
                    ch.write(status);
                    askAt = now + Proto.UDP_END_INTERVAL_MS * 1_000_000L;
                }
                sel.select(Math.max(1, (askAt - now) / 1_000_000L));
                sel.selectedKeys().clear();
                while (true) {
                    in.clear();
                    int n = ch.read(in);
                    if (n <= 0) {
                        break;
                    }
                    if (n < Proto.UDP_HEADER || in.getLong(0) != runId) {
                        continue;
                    }
                    long seq = in.getLong(8);
                    if (seq >= 0) {
                        long t = System.nanoTime();
                        if (received++ == 0) {
                            first = t;
                        }
                        last = t;
                    } else if (seq == Proto.UDP_END && n >= 24) {
                        sent = in.getLong(16);
                    }
                }
            }
            return new UdpRun(sent, 0, received, last - first);
        }
    }

    /** The end phase of udp for a non-blocking DatagramChannel, shared with nothing else. */
    static final class UdpEnd {
        static UdpRun finish(DatagramChannel ch, Selector sel, SelectionKey key, long runId, long sent,
                long sendNanos, Deadline d) throws Exception {
            ByteBuffer end = ByteBuffer.allocateDirect(24);
            ByteBuffer reply = ByteBuffer.allocateDirect(64);
            key.interestOps(SelectionKey.OP_READ);
            while (true) {
                d.check();
                end.clear();
                end.putLong(runId).putLong(Proto.UDP_END).putLong(sent).flip();
                ch.write(end);
                long until = System.nanoTime() + Proto.UDP_END_INTERVAL_MS * 1_000_000L;
                long left;
                while ((left = until - System.nanoTime()) > 0) {
                    sel.select(Math.max(1, left / 1_000_000L));
                    sel.selectedKeys().clear();
                    reply.clear();
                    while (ch.read(reply) > 0) {
                        if (reply.position() >= 24 && reply.getLong(0) == runId) {
                            return new UdpRun(sent, sendNanos, reply.getLong(8), reply.getLong(16));
                        }
                        reply.clear();
                    }
                }
            }
        }
    }

    @Override
    public Connections connect(InetSocketAddress peer, int n, Deadline d) throws Exception {
        Selector sel = Selector.open();
        List<SocketChannel> channels = new ArrayList<>(n);
        try {
            long start = System.nanoTime();
            int pending = 0;
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                channels.add(ch);
                ch.configureBlocking(false);
                if (ch.connect(peer)) {
                    ch.register(sel, 0);
                } else {
                    ch.register(sel, SelectionKey.OP_CONNECT);
                    pending++;
                }
            }
            while (pending > 0) {
                d.check();
                sel.select(d.waitMillis());
                for (SelectionKey key : sel.selectedKeys()) {
                    if (key.isConnectable() && ((SocketChannel) key.channel()).finishConnect()) {
                        key.interestOps(0);
                        pending--;
                    }
                }
                sel.selectedKeys().clear();
            }
            long connectNanos = System.nanoTime() - start;
            return new Connections() {
                @Override
                public long connectNanos() {
                    return connectNanos;
                }

                @Override
                public long echoAll(Deadline dl) throws Exception {
                    ByteBuffer one = ByteBuffer.allocateDirect(1);
                    ByteBuffer in = ByteBuffer.allocateDirect(64);
                    long t0 = System.nanoTime();
                    for (SocketChannel ch : channels) {
                        one.clear().put((byte) 1).flip();
                        if (ch.write(one) != 1) {
                            throw new IOException("a 1-byte write was not taken");
                        }
                        ch.keyFor(sel).interestOps(SelectionKey.OP_READ);
                    }
                    int waiting = channels.size();
                    while (waiting > 0) {
                        dl.check();
                        sel.select(dl.waitMillis());
                        for (SelectionKey key : sel.selectedKeys()) {
                            in.clear();
                            int r = ((SocketChannel) key.channel()).read(in);
                            if (r < 0) {
                                throw new IOException("echo peer closed a connection");
                            }
                            if (r > 0) {
                                key.interestOps(0);
                                waiting--;
                            }
                        }
                        sel.selectedKeys().clear();
                    }
                    return System.nanoTime() - t0;
                }

                @Override
                public void close() {
                    closeAll(channels, sel);
                }
            };
        } catch (Exception e) {
            closeAll(channels, sel);
            throw e;
        }
    }

    private static void closeAll(List<SocketChannel> channels, Selector sel) {
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            sel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        // nothing held between runs
    }
}
