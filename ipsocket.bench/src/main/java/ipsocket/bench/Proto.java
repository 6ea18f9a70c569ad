package ipsocket.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The wire protocol of the modes (see shared PERFORMANCE.md) and the test data they send.
 *
 * <ul>
 * <li>tcp-throughput: client sends an 8-byte big-endian length L, then L bytes; the sink answers
 * one byte {@code 'K'} after L bytes.</li>
 * <li>tcp-pingpong, conn-scale: the echo peer returns every byte.</li>
 * <li>tcp-lines: client sends an 8-byte big-endian count N; the line source answers with N
 * short lines ending in {@code '\n'} (10 to 50 bytes, 30 on average).</li>
 * <li>udp: datagrams {@code [runId:int64][seq:int64][padding]}; then {@code [runId][-1][sent]}
 * every 20 ms until the peer answers {@code [runId][received][first-to-last ns]}.</li>
 * <li>udp-recv (this module's addition, the other direction): the client sends
 * {@code [runId][-2][nanos][size]}; the peer sends datagrams {@code [runId][seq][padding]} of
 * that size as fast as it can for that long, then answers every {@code [runId][-3]} with
 * {@code [runId][-1][sent]}.</li>
 * </ul>
 */
public final class Proto {
    public static final byte ACK = 'K';
    public static final int UDP_HEADER = 16;
    public static final long UDP_END = -1;
    /** udp-recv: the client asks the peer to send. */
    public static final long UDP_BLAST = -2;
    /** udp-recv: the client asks how many the peer sent. */
    public static final long UDP_STATUS = -3;
    /** udp-recv: the longest sending the peer agrees to. */
    public static final long UDP_BLAST_MAX_NANOS = 60_000_000_000L;
    public static final int UDP_END_INTERVAL_MS = 20;

    private Proto() {
    }

    /** The block of complete lines the line source repeats; also used by the JMH benchmarks. */
    public static final class LineBlock {
        public final byte[] bytes;
        /** ends[i] = offset just past the i-th line's '\n'. */
        public final int[] ends;

        private LineBlock(byte[] bytes, int[] ends) {
            this.bytes = bytes;
            this.ends = ends;
        }

        public int lineCount() {
            return ends.length;
        }

        /** Characters (terminators excluded) in the first {@code n} lines the line source sends. */
        public long charsOf(long n) {
            long perBlock = ends.length;
            long blockChars = bytes.length - perBlock;
            int rest = (int) (n % perBlock);
            long restChars = rest == 0 ? 0 : ends[rest - 1] - rest;
            return n / perBlock * blockChars + restChars;
        }
    }

    /**
     * Builds a deterministic block of short ASCII lines, at most {@code maxBytes} long, made of
     * whole lines only. Lines look like device output: {@code "dev17,t=21.4,seq=000123,..."}.
     */
    public static LineBlock lineBlock(int maxBytes) {
        byte[] buf = new byte[maxBytes];
        int[] ends = new int[maxBytes / 10 + 1];
        int pos = 0;
        int count = 0;
        long seed = 0x9E3779B97F4A7C15L;
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            int len = 10 + (int) ((seed >>> 33) % 41); // 10..50 bytes including '\n'
            sb.setLength(0);
            sb.append("dev").append(count % 97).append(",t=").append((count * 7) % 400 / 10.0)
                    .append(",seq=").append(count);
            while (sb.length() < len - 1) {
                sb.append((char) ('a' + (sb.length() % 26)));
            }
            sb.setLength(len - 1);
            sb.append('\n');
            byte[] line = sb.toString().getBytes(StandardCharsets.US_ASCII);
            if (pos + line.length > maxBytes) {
                break;
            }
            System.arraycopy(line, 0, buf, pos, line.length);
            pos += line.length;
            ends[count++] = pos;
        }
        byte[] exact = new byte[pos];
        System.arraycopy(buf, 0, exact, 0, pos);
        int[] exactEnds = new int[count];
        System.arraycopy(ends, 0, exactEnds, 0, count);
        return new LineBlock(exact, exactEnds);
    }

    /** udp-recv: the request asking the peer to send. */
    public static byte[] blastRequest(long runId, long nanos, int size) {
        return ByteBuffer.allocate(32).putLong(runId).putLong(UDP_BLAST).putLong(nanos).putLong(size).array();
    }

    /** udp-recv: the question how many the peer sent. */
    public static byte[] statusRequest(long runId) {
        return ByteBuffer.allocate(16).putLong(runId).putLong(UDP_STATUS).array();
    }

    /** udp-recv: the client's receive buffer, the largest the kernel grants here. */
    public static final int UDP_RECV_BUFFER = 8 << 20;

    public static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    /** A payload of {@code size} bytes that is not all zeros (nothing can compress it away). */
    public static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
