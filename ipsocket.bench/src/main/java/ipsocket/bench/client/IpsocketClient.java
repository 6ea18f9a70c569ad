package ipsocket.bench.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.api.SslSocket;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;
import ipsocket.bench.Deadline;
import ipsocket.bench.Proto;
import ipsocket.bench.SendPump;
import ipsocket.bench.TlsMaterial;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.tls.SslSocketImpl;
import ipsocket.impl.udp.UdpSocketImpl;

/**
 * ipsocket as the client: {@link TcpSocketImpl} and {@link UdpSocketImpl} on an
 * {@link EventLoopGroup}, used as a gateway bundle uses them: listener callbacks on the loop
 * thread, writes that continue from {@code bytesWritten}, {@code readLine()} for lines.
 */
public final class IpsocketClient implements Client {
    private final EventLoopGroup group;
    private final AtomicInteger ids = new AtomicInteger();

    public IpsocketClient(int ioThreads) {
        group = new EventLoopGroup(ioThreads);
    }

    @Override
    public String name() {
        return "ipsocket";
    }

    @Override
    public int ioThreads() {
        return group.threadCount();
    }

    /** Base listener: fails the run on an error before the run is done. */
    private abstract static class RunListener<T> implements SocketListener {
        final CompletableFuture<T> result = new CompletableFuture<>();

        @Override
        public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
            result.completeExceptionally(new IOException(error + ": " + errorString));
        }

        void fail(Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private TcpSocketImpl tcp(InetSocketAddress peer, boolean lowDelay, SocketListener listener) {
        TcpSocketImpl s = new TcpSocketImpl(group, "bench-" + ids.incrementAndGet());
        s.setAutoConnect(false);
        s.setLowDelay(lowDelay);
        s.addListener(listener);
        s.connectToHost(peer.getAddress().getHostAddress(), peer.getPort());
        return s;
    }

    @Override
    public long tcpThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline d) throws Exception {
        return throughput(peer, bytes, chunk, d, false);
    }

    @Override
    public long tlsThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline d) throws Exception {
        return throughput(peer, bytes, chunk, d, true);
    }

    /** Sends the length, then the bytes, waits for 'K'; over TLS from the end of the handshake. */
    private long throughput(InetSocketAddress peer, long bytes, int chunk, Deadline d, boolean tls) throws Exception {
        byte[] header = Proto.longBytes(bytes);
        SendPump pump = new SendPump();
        RunListener<Long> l = new RunListener<>() {
            long start;

            @Override
            public void connected(IpSocket s) {
                if (!tls) {
                    begin(s);
                }
            }

            @Override
            public void encrypted(SslSocket s) {
                begin(s);
            }

            private void begin(IpSocket s) {
                pump.reset(bytes, chunk);
                start = System.nanoTime();
                s.write(header);
                send(s);
            }

            @Override
            public void bytesWritten(IpSocket s, long n) {
                send(s);
            }

            private void send(IpSocket s) {
                if (!pump.pump(s)) {
                    fail(new IOException("write refused: " + s.getErrorString()));
                }
            }

            @Override
            public void readyRead(IpSocket s) {
                byte[] in = s.readAll();
                if (in.length > 0) {
                    long elapsed = System.nanoTime() - start;
                    if (in[0] != Proto.ACK) {
                        fail(new IOException("sink answered " + in[0]));
                    } else {
                        result.complete(elapsed);
                    }
                }
            }
        };
        TcpSocketImpl s = tls ? tls(peer, l) : tcp(peer, false, l);
        try {
            return d.await(l.result);
        } finally {
            s.dispose();
        }
    }

    /** A TLS socket for the tls-* modes: TLS 1.3, AES-128-GCM, trusting the bench's certificate. */
    private SslSocketImpl tls(InetSocketAddress peer, SocketListener listener) throws Exception {
        SslSocketImpl s = new SslSocketImpl(group, "bench-tls-" + ids.incrementAndGet());
        s.setAutoConnect(false);
        s.setCaCertificates(List.of(TlsMaterial.get().certificatePem().toString()));
        s.setSslProtocols(List.of(TlsMaterial.PROTOCOL));
        s.setCipherSuites(List.of(TlsMaterial.CIPHER));
        s.setPeerVerifyName("localhost");
        s.setLowDelay(true); // as the other clients: the handshakes' small writes go at once
        s.addListener(listener);
        s.connectToHost(peer.getAddress().getHostAddress(), peer.getPort());
        return s;
    }

    @Override
    public Handshakes tlsHandshakes(InetSocketAddress peer, long nanos, boolean resumed, Deadline d) throws Exception {
        final class Exchange implements SocketListener {
            volatile CompletableFuture<Boolean> done = new CompletableFuture<>();

            @Override
            public void encrypted(SslSocket s) {
                s.write(Proto.longBytes(0));
            }

            @Override
            public void readyRead(IpSocket s) {
                byte[] in = s.readAll();
                if (in.length > 0) {
                    s.abort(); // the round trip is done; the next connection starts at once
                    done.complete(in[0] == Proto.ACK);
                }
            }

            @Override
            public void errorOccurred(IpSocket s, SocketError error, String errorString) {
                done.completeExceptionally(new IOException(error + ": " + errorString));
            }
        }
        Exchange exchange = new Exchange();
        SslSocketImpl kept = null;
        long count = 0;
        long start = System.nanoTime();
        long end = start + nanos;
        try {
            while (System.nanoTime() - end < 0) {
                exchange.done = new CompletableFuture<>();
                SslSocketImpl s;
                if (resumed && kept != null) {
                    s = kept; // the same socket keeps its TLS context: the session resumes
                    s.connectToHost(peer.getAddress().getHostAddress(), peer.getPort());
                } else {
                    s = tls(peer, exchange);
                }
                try {
                    if (!d.await(exchange.done)) {
                        throw new IOException("the TLS sink answered something else");
                    }
                } finally {
                    if (!resumed) {
                        s.dispose();
                    }
                }
                kept = resumed ? s : null;
                count++;
            }
        } finally {
            if (kept != null) {
                kept.dispose();
            }
        }
        return new Handshakes(count, System.nanoTime() - start);
    }

    @Override
    public Latencies tcpPingPong(InetSocketAddress peer, int msg, long nanos, Deadline d) throws Exception {
        byte[] out = Proto.pattern(msg);
        PingPong run = new PingPong(msg, nanos);
        RunListener<Latencies> l = new RunListener<>() {
            @Override
            public void connected(IpSocket s) {
                run.start();
                s.write(out);
            }

            @Override
            public void readyRead(IpSocket s) {
                int next = run.arrived(s.readAll().length);
                if (next == PingPong.SEND) {
                    s.write(out);
                } else if (next == PingPong.DONE) {
                    result.complete(run.latencies());
                }
            }
        };
        TcpSocketImpl s = tcp(peer, true, l);
        try {
            return d.await(l.result);
        } finally {
            s.dispose();
        }
    }

    @Override
    public LineRun tcpLines(InetSocketAddress peer, long lines, Deadline d) throws Exception {
        RunListener<LineRun> l = new RunListener<>() {
            long got;
            long chars;
            long start;

            @Override
            public void connected(IpSocket s) {
                start = System.nanoTime();
                s.write(Proto.longBytes(lines));
            }

            @Override
            public void lineAvailableForRead(IpSocket s) {
                // The documented idiom (README): while (canReadLine()) handle(readLine());
                while (s.canReadLine()) {
                    chars += s.readLine().length();
                    got++;
                }
                if (got >= lines && !result.isDone()) {
                    result.complete(new LineRun(got, chars, System.nanoTime() - start));
                }
            }
        };
        TcpSocketImpl s = tcp(peer, false, l);
        try {
            return d.await(l.result);
        } finally {
            s.dispose();
        }
    }

    @Override
    public UdpRun udp(InetSocketAddress peer, int dgram, long nanos, long runId, Deadline d) throws Exception {
        byte[] payload = Proto.pattern(dgram);
        ByteBuffer header = ByteBuffer.wrap(payload);
        header.putLong(0, runId);
        CompletableFuture<long[]> sendDone = new CompletableFuture<>();
        RunListener<UdpRun> l = new RunListener<>() {
            long sent;
            long start;
            long end;
            boolean sending;
            int limit;

            @Override
            public void stateChanged(IpSocket s, SocketState state) {
                if (state == SocketState.CONNECTED && !sending) {
                    sending = true;
                    limit = s.getWriteBufferLimit();
                    start = System.nanoTime();
                    end = start + nanos;
                    pump(s);
                }
            }

            @Override
            public void bytesWritten(IpSocket s, long n) {
                if (sending) {
                    pump(s);
                }
            }

            /** Fills the send queue up to its limit, as long as the run lasts. */
            private void pump(IpSocket s) {
                long now = System.nanoTime();
                if (now - end >= 0) {
                    sending = false;
                    sendDone.complete(new long[] {sent, now - start});
                    return;
                }
                long room = (limit - s.getBytesToWrite()) / dgram;
                for (long i = 0; i < room; i++) {
                    header.putLong(8, sent);
                    if (s.write(payload) != dgram) {
                        fail(new IOException("datagram refused: " + s.getErrorString()));
                        return;
                    }
                    sent++;
                }
            }

            @Override
            public void datagramReceived(UdpSocket s, UdpDatagram datagram) {
                ByteBuffer in = datagram.getPayloadBuffer();
                if (in.remaining() >= 24 && in.getLong(0) == runId) {
                    long[] send = sendDone.getNow(null);
                    if (send != null) {
                        result.complete(new UdpRun(send[0], send[1], in.getLong(8), in.getLong(16)));
                    }
                }
                s.readDatagram();
            }

            @Override
            public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
                if (error != SocketError.TEMPORARY_ERROR) {
                    super.errorOccurred(socket, error, errorString);
                }
            }
        };
        UdpSocketImpl s = new UdpSocketImpl(group, "bench-udp-" + ids.incrementAndGet());
        try {
            s.setAutoConnect(false);
            s.addListener(l);
            s.connectToHost(peer.getAddress().getHostAddress(), peer.getPort());
            d.await(sendDone);
            // Every accepted datagram goes out before the end marker (one FIFO queue).
            byte[] endMarker = ByteBuffer.allocate(24).putLong(runId).putLong(Proto.UDP_END)
                    .putLong(sendDone.get()[0]).array();
            while (true) {
                d.check();
                s.write(endMarker);
                try {
                    return l.result.get(Proto.UDP_END_INTERVAL_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // ask again
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            }
        } finally {
            s.dispose();
        }
    }

    @Override
    public UdpRun udpRecv(InetSocketAddress peer, int dgram, long nanos, long runId, Deadline d) throws Exception {
        byte[] blast = Proto.blastRequest(runId, nanos, dgram);
        byte[] status = Proto.statusRequest(runId);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        RunListener<UdpRun> l = new RunListener<>() {
            long received;
            long first;
            long last;

            @Override
            public void stateChanged(IpSocket s, SocketState state) {
                if (state == SocketState.CONNECTED) {
                    ready.complete(null);
                }
            }

            @Override
            public void datagramReceived(UdpSocket s, UdpDatagram datagram) {
                s.readDatagram(); // consume it, as an application does: the queue stays short
                ByteBuffer in = datagram.getPayloadBuffer();
                if (in.remaining() < Proto.UDP_HEADER || in.getLong(0) != runId) {
                    return;
                }
                long seq = in.getLong(8);
                if (seq >= 0) {
                    long t = System.nanoTime();
                    if (received++ == 0) {
                        first = t;
                    }
                    last = t;
                } else if (seq == Proto.UDP_END && in.remaining() >= 24) {
                    result.complete(new UdpRun(in.getLong(16), 0, received, last - first));
                }
            }

            @Override
            public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
                if (error != SocketError.TEMPORARY_ERROR) { // a full queue drops and counts
                    super.errorOccurred(socket, error, errorString);
                }
            }
        };
        UdpSocketImpl s = new UdpSocketImpl(group, "bench-udp-recv-" + ids.incrementAndGet());
        try {
            s.setAutoConnect(false);
            s.setReceiveBufferSize(Proto.UDP_RECV_BUFFER);
            s.addListener(l);
            s.connectToHost(peer.getAddress().getHostAddress(), peer.getPort());
            d.await(ready);
            s.write(blast);
            long askAt = System.nanoTime() + nanos + 50_000_000L;
            while (true) {
                d.check();
                long wait = Math.max(1, (askAt - System.nanoTime()) / 1_000_000L);
                try {
                    return l.result.get(wait, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    s.write(status);
                    askAt = System.nanoTime() + Proto.UDP_END_INTERVAL_MS * 1_000_000L;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            }
        } finally {
            s.dispose();
        }
    }

    @Override
    public Connections connect(InetSocketAddress peer, int n, Deadline d) throws Exception {
        List<TcpSocketImpl> sockets = new ArrayList<>(n);
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger echoed = new AtomicInteger();
        CompletableFuture<Long> allConnected = new CompletableFuture<>();
        CompletableFuture<Long> allEchoed = new CompletableFuture<>();
        long start = System.nanoTime();
        SocketListener shared = new SocketListener() {
            @Override
            public void connected(IpSocket s) {
                if (connected.incrementAndGet() == n) {
                    allConnected.complete(System.nanoTime());
                }
            }

            @Override
            public void readyRead(IpSocket s) {
                if (s.readAll().length > 0 && echoed.incrementAndGet() == n) {
                    allEchoed.complete(System.nanoTime());
                }
            }

            @Override
            public void errorOccurred(IpSocket s, SocketError error, String text) {
                if (error != SocketError.REMOTE_HOST_CLOSED_ERROR) {
                    allConnected.completeExceptionally(new IOException(error + ": " + text));
                    allEchoed.completeExceptionally(new IOException(error + ": " + text));
                }
            }
        };
        try {
            String host = peer.getAddress().getHostAddress();
            for (int i = 0; i < n; i++) {
                TcpSocketImpl s = new TcpSocketImpl(group, "conn-" + i);
                sockets.add(s);
                s.setAutoConnect(false);
                s.addListener(shared);
                s.connectToHost(host, peer.getPort());
            }
            long connectNanos = d.await(allConnected) - start;
            return new Connections() {
                @Override
                public long connectNanos() {
                    return connectNanos;
                }

                @Override
                public long echoAll(Deadline dl) throws Exception {
                    byte[] one = {1};
                    long t0 = System.nanoTime();
                    for (TcpSocketImpl s : sockets) {
                        if (s.write(one) != 1) {
                            throw new IOException("a 1-byte write was refused: " + s.getErrorString());
                        }
                    }
                    return dl.await(allEchoed) - t0;
                }

                @Override
                public void close() {
                    disposeAll(sockets);
                }
            };
        } catch (Exception e) {
            disposeAll(sockets);
            throw e;
        }
    }

    private static void disposeAll(List<? extends AbstractIpSocket> sockets) {
        for (AbstractIpSocket s : sockets) {
            s.dispose();
        }
    }

    @Override
    public void close() {
        group.close();
    }
}
