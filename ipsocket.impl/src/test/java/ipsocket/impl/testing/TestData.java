package ipsocket.impl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Test data, digests and process resource counts shared by the socket tests. */
public final class TestData {

    /** One mebibyte. */
    public static final int MIB = 1024 * 1024;

    private TestData() {
    }

    /**
     * Returns reproducible pseudo-random bytes.
     *
     * @param size how many
     * @param seed the seed
     * @return the bytes
     */
    public static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /**
     * Returns a new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Returns the SHA-256 of bytes as hex.
     *
     * @param data the bytes
     * @return the digest in hex
     */
    public static String sha256(byte[] data) {
        return hex(newSha256().digest(data));
    }

    /**
     * Returns bytes as lower-case hex.
     *
     * @param bytes the bytes
     * @return the hex text
     */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Returns the number of open file descriptors of this process (Linux {@code /proc}).
     *
     * @return the count
     */
    public static int openFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns whether the open file descriptors of this process can be counted.
     *
     * @return {@code true} on Linux
     */
    public static boolean canCountFileDescriptors() {
        return Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /**
     * Returns the live threads whose name starts with a prefix.
     *
     * @param prefix the prefix, for example {@code "ipsocket-"}
     * @return the threads
     */
    public static List<Thread> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).toList();
    }

    /**
     * Returns the names of the live threads whose name starts with a prefix, sorted.
     *
     * @param prefix the prefix
     * @return the names
     */
    public static List<String> liveThreadNames(String prefix) {
        return liveThreads(prefix).stream().map(Thread::getName).sorted().toList();
    }

    /**
     * Returns the heap in use after a garbage collection (a figure, never for timing).
     *
     * @return bytes in use
     */
    public static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
