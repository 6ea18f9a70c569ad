package ipsocket.bench.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.LinkedHashMap;
import java.util.Map;

import ipsocket.bench.Proto;

/**
 * udp receiver: counts datagrams {@code [runId][seq][padding]} per run and answers an end
 * marker {@code [runId][-1][sent]} with {@code [runId][received][first-to-last ns]}.
 */
public final class UdpPeer implements Peer {
    private final DatagramChannel channel;
    private final Thread thread;
    private volatile boolean closed;

    private static final class Run {
        long received;
        long firstNanos;
        long lastNanos;
        /** udp-recv: datagrams this peer sent for the run, -1 while sending. */
        long sent = -1;
    }

    public UdpPeer(int port) throws IOException {
        channel = DatagramChannel.open();
        // The largest buffer the kernel grants (net.core.rmem_max): fewer drops under bursts.
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        channel.bind(Peer.loopback(port));
        thread = new Thread(this::run, "peer-udp");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void run() {
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        ByteBuffer out = ByteBuffer.allocateDirect(24);
        // Bounded: only the most recent runs are remembered.
        Map<Long, Run> runs = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Run> eldest) {
                return size() > 64;
            }
        };
        long currentId = Long.MIN_VALUE;
        Run current = null;
        while (!closed) {
            SocketAddress from;
            in.clear();
            try {
                from = channel.receive(in);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("peer udp stopped: " + e);
                }
                return;
            }
            long now = System.nanoTime();
            if (in.position() < Proto.UDP_HEADER) {
                continue;
            }
            long runId = in.getLong(0);
            long seq = in.getLong(8);
            if (runId != currentId) {
                current = runs.computeIfAbsent(runId, id -> new Run());
                currentId = runId;
            }
            if (seq == Proto.UDP_BLAST && in.position() >= 32) {
                blast(runId, current, in.getLong(16), in.getLong(24), from);
                continue;
            }
            if (seq == Proto.UDP_STATUS) {
                if (current.sent >= 0) {
                    out.clear();
                    out.putLong(runId).putLong(Proto.UDP_END).putLong(current.sent).flip();
                    try {
                        channel.send(out, from);
                    } catch (IOException e) {
                        // the client asks again in 20 ms
                    }
                }
                continue;
            }
            if (seq != Proto.UDP_END) {
                if (current.received++ == 0) {
                    current.firstNanos = now;
                }
                current.lastNanos = now;
                continue;
            }
            out.clear();
            out.putLong(runId).putLong(current.received).putLong(current.lastNanos - current.firstNanos).flip();
            try {
                channel.send(out, from);
            } catch (IOException e) {
                // the sender asks again in 20 ms
            }
        }
    }

    /** udp-recv: sends datagrams of {@code size} bytes to {@code to} for {@code nanos}. */
    private void blast(long runId, Run run, long nanos, long size, SocketAddress to) {
        if (run.sent >= 0 || size < Proto.UDP_HEADER || size > 65507) {
            return; // a repeated request, or a bad one
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) size);
        buf.put(Proto.pattern((int) size)).putLong(0, runId);
        long end = System.nanoTime() + Math.min(Math.max(0, nanos), Proto.UDP_BLAST_MAX_NANOS);
        long sent = 0;
        try {
            while (!closed && System.nanoTime() - end < 0) {
                for (int i = 0; i < 64; i++) {
                    buf.clear();
                    buf.putLong(8, sent);
                    channel.send(buf, to);
                    sent++;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                System.err.println("peer udp: sending to " + to + " stopped: " + e);
            }
        }
        run.sent = sent;
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
