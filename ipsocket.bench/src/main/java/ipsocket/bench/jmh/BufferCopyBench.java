package ipsocket.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

import ipsocket.bench.Proto;
import ipsocket.impl.io.ReadBuffer;
import ipsocket.impl.io.WriteBuffer;

/**
 * Buffer copy hot paths, 64 KiB at a time, written to /dev/null so that the system call is
 * nearly free and the copies show: ipsocket's write path ({@link WriteBuffer}: copy of the
 * caller's array into a new heap chunk, then a heap buffer handed to the channel, which the JDK
 * copies into a temporary direct buffer) against writing a direct buffer or a heap buffer
 * directly; and ipsocket's read path ({@link ReadBuffer}: copy of the loop's direct buffer into
 * a new array) against copying into a reused array.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BufferCopyBench {
    public static final int SIZE = 64 * 1024;

    private FileChannel devNull;
    private byte[] userArray;
    private ByteBuffer direct;
    private ByteBuffer heap;
    private byte[] reused;
    private WriteBuffer writeBuffer;

    @Setup
    public void setup() throws IOException {
        devNull = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
        userArray = Proto.pattern(SIZE);
        direct = ByteBuffer.allocateDirect(SIZE);
        direct.put(userArray).flip();
        heap = ByteBuffer.wrap(userArray);
        reused = new byte[SIZE];
        writeBuffer = new WriteBuffer();
    }

    @TearDown
    public void tearDown() throws IOException {
        devNull.close();
    }

    @Benchmark
    public long ipsocketWritePath() throws IOException {
        writeBuffer.append(userArray, 0, SIZE);
        return writeBuffer.writeTo(devNull);
    }

    @Benchmark
    public long directBufferWrite() throws IOException {
        direct.clear();
        return devNull.write(direct);
    }

    @Benchmark
    public long heapBufferWrite() throws IOException {
        heap.clear();
        return devNull.write(heap);
    }

    @Benchmark
    public byte[] ipsocketReadPath() {
        ReadBuffer rb = new ReadBuffer();
        rb.append(direct.duplicate());
        return rb.readAll();
    }

    @Benchmark
    public byte[] copyIntoReusedArray() {
        direct.duplicate().get(reused);
        return reused;
    }
}
