package ipsocket.bench.client;

import java.net.InetSocketAddress;

import ipsocket.bench.Deadline;

/**
 * One implementation acting as the client of every mode. An instance owns its I/O threads for
 * its whole life, so warm-up and measurement run on the same threads and the same JIT state.
 */
public interface Client extends AutoCloseable {

    /** The implementation name used in result lines. */
    String name();

    /** Number of I/O threads the client runs (the calling thread counts for raw NIO). */
    int ioThreads();

    /**
     * tcp-throughput: connect, send the length, then {@code bytes} in writes of {@code chunk}
     * bytes, and wait for 'K'.
     *
     * @return nanoseconds from the first write to the 'K'
     */
    long tcpThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline deadline) throws Exception;

    /** tcp-pingpong: one {@code msg}-byte message outstanding at a time for {@code nanos}. */
    Latencies tcpPingPong(InetSocketAddress peer, int msg, long nanos, Deadline deadline) throws Exception;

    /** tcp-lines: ask for {@code lines} lines and read them one by one as Strings. */
    LineRun tcpLines(InetSocketAddress peer, long lines, Deadline deadline) throws Exception;

    /** udp: send datagrams for {@code nanos}, then ask the peer what arrived. */
    UdpRun udp(InetSocketAddress peer, int dgram, long nanos, long runId, Deadline deadline) throws Exception;

    /**
     * udp-recv: ask the peer to send {@code dgram}-byte datagrams for {@code nanos} and receive
     * them; {@code sendNanos} of the result is 0 (the peer sends), {@code sent} is the peer's count.
     */
    UdpRun udpRecv(InetSocketAddress peer, int dgram, long nanos, long runId, Deadline deadline) throws Exception;

    /** conn-scale: open {@code n} connections; the returned set is connected. */
    Connections connect(InetSocketAddress peer, int n, Deadline deadline) throws Exception;

    /**
     * tls-throughput: tcp-throughput over TLS 1.3 with AES-128-GCM to the TLS sink, timed from
     * the end of the handshake to the 'K'.
     *
     * @return nanoseconds from the first write to the 'K'
     */
    long tlsThroughput(InetSocketAddress peer, long bytes, int chunk, Deadline deadline) throws Exception;

    /**
     * tls-handshakes: for {@code nanos}, one connection after the other: connect, TLS 1.3
     * handshake, one round trip (a zero length, answered 'K'), close.
     *
     * @param resumed {@code false}: every handshake full (nothing cached); {@code true}: sessions
     *        resume (the client keeps its session cache and names the peer)
     * @return the handshakes done and the time they took
     */
    Handshakes tlsHandshakes(InetSocketAddress peer, long nanos, boolean resumed, Deadline deadline)
            throws Exception;

    /** A tls-handshakes run. */
    final class Handshakes {
        public final long count;
        public final long elapsedNanos;

        public Handshakes(long count, long elapsedNanos) {
            this.count = count;
            this.elapsedNanos = elapsedNanos;
        }
    }

    /** Whether this implementation can run a mode here (for example ipsocket UDP not written yet). */
    default String unsupported(String mode) {
        return null;
    }

    @Override
    void close();

    /** Round-trip samples of a ping-pong run. */
    final class Latencies {
        public final long[] samples;
        public final int count;
        public final long elapsedNanos;

        public Latencies(long[] samples, int count, long elapsedNanos) {
            this.samples = samples;
            this.count = count;
            this.elapsedNanos = elapsedNanos;
        }
    }

    /** A tcp-lines run: lines read, bytes of text read (a checksum), time. */
    final class LineRun {
        public final long lines;
        public final long chars;
        public final long elapsedNanos;

        public LineRun(long lines, long chars, long elapsedNanos) {
            this.lines = lines;
            this.chars = chars;
            this.elapsedNanos = elapsedNanos;
        }
    }

    /** A udp run: sent by us, received and first-to-last span as the peer reports. */
    final class UdpRun {
        public final long sent;
        public final long sendNanos;
        public final long received;
        public final long receiveSpanNanos;

        public UdpRun(long sent, long sendNanos, long received, long receiveSpanNanos) {
            this.sent = sent;
            this.sendNanos = sendNanos;
            this.received = received;
            this.receiveSpanNanos = receiveSpanNanos;
        }
    }

    /** Open connections of conn-scale. */
    interface Connections extends AutoCloseable {
        /** Nanoseconds from the first connect call until all were connected. */
        long connectNanos();

        /** Sends one byte on every connection and waits for every echo; returns nanoseconds. */
        long echoAll(Deadline deadline) throws Exception;

        @Override
        void close();
    }
}
