package ipsocket.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import ipsocket.bench.Proto;
import ipsocket.impl.io.ReadBuffer;

/**
 * Line scanning hot path: one 64 KiB arrival of short lines (the tcp-lines data) turned into
 * Strings. One operation = one block ({@link #LINES_PER_BLOCK} lines), so lines/s = ops/s times
 * that. ipsocket's {@link ReadBuffer} (what {@code canReadLine()}/{@code readLine()} run,
 * without the socket's locks) against Netty's LineBasedFrameDecoder + StringDecoder and a
 * hand-written scan of a heap copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LineScanBench {
    public static final Proto.LineBlock BLOCK = Proto.lineBlock(64 * 1024);
    public static final int LINES_PER_BLOCK = BLOCK.lineCount();
    private static final int MAX_LINE = 65_535;

    private ByteBuffer direct;
    private byte[] heap;
    private ByteBuf nettyBlock;
    private EmbeddedChannel netty;

    @Setup
    public void setup() {
        direct = ByteBuffer.allocateDirect(BLOCK.bytes.length);
        direct.put(BLOCK.bytes).flip();
        heap = new byte[BLOCK.bytes.length];
        nettyBlock = PooledByteBufAllocator.DEFAULT.directBuffer(BLOCK.bytes.length).writeBytes(BLOCK.bytes);
        netty = new EmbeddedChannel(new LineBasedFrameDecoder(MAX_LINE), new StringDecoder(StandardCharsets.UTF_8));
    }

    @TearDown
    public void tearDown() {
        netty.finishAndReleaseAll();
        nettyBlock.release();
    }

    @Benchmark
    public long ipsocketReadBuffer() {
        ReadBuffer rb = new ReadBuffer();
        rb.append(direct.duplicate());
        long chars = 0;
        while (rb.canReadLine(MAX_LINE)) {
            chars += rb.readLineText(MAX_LINE).length(); // what TcpSocket.readLine() runs
        }
        return chars;
    }

    @Benchmark
    public long nettyLineBasedFrameDecoder() {
        netty.writeInbound(nettyBlock.retainedDuplicate());
        long chars = 0;
        String line;
        while ((line = netty.readInbound()) != null) {
            chars += line.length();
        }
        return chars;
    }

    @Benchmark
    public long rawScanHeapCopy() {
        ByteBuffer in = direct.duplicate();
        int n = in.remaining();
        in.get(heap, 0, n);
        long chars = 0;
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (heap[i] == '\n') {
                int end = i > start && heap[i - 1] == '\r' ? i - 1 : i;
                chars += new String(heap, start, end - start, StandardCharsets.UTF_8).length();
                start = i + 1;
            }
        }
        return chars;
    }
}
