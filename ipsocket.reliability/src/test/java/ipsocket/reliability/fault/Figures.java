package ipsocket.reliability.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * The figures a fault test produced (attempt counts, detection times, memory, bytes compared):
 * printed to the test output and appended to {@code target/fault-figures.txt}, from which
 * {@code docs/RELIABILITY.md} is written. Also the small data and memory helpers the tests share.
 */
final class Figures {

    /** One mebibyte. */
    static final int MIB = 1024 * 1024;

    private static final Path FILE = Path.of("target", "fault-figures.txt");

    static {
        try {
            Files.deleteIfExists(FILE); // one file per test JVM, that is per suite run
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Figures() {
    }

    /**
     * Records one figure.
     *
     * @param fault the fault, for example {@code "1 connection refused"}
     * @param name what was measured
     * @param value the value with its unit
     */
    static synchronized void record(String fault, String name, Object value) {
        String line = "FIGURE | " + fault + " | " + name + " | " + value;
        System.out.println(line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to " + FILE.toAbsolutePath(), e);
        }
    }

    /**
     * Returns reproducible pseudo-random bytes.
     *
     * @param size how many
     * @param seed the seed
     * @return the bytes
     */
    static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** @return a new SHA-256 digest */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * Returns the SHA-256 of a byte range as hex.
     *
     * @param data the bytes
     * @param offset where the range starts
     * @param length its length
     * @return the digest in hex
     */
    static String sha256(byte[] data, int offset, int length) {
        MessageDigest digest = sha256();
        digest.update(data, offset, length);
        return hex(digest.digest());
    }

    /**
     * Returns bytes as lower-case hex.
     *
     * @param bytes the bytes
     * @return the hex text
     */
    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Returns the heap in use after asking for full collections until it stops shrinking (at
     * most five), to compare memory before and after a phase.
     *
     * @return used heap in bytes
     */
    static long usedHeapAfterGc() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= best) {
                return best;
            }
            best = used;
        }
        return best;
    }

    /**
     * Formats bytes as MiB with two decimals.
     *
     * @param bytes the byte count, may be negative
     * @return for example {@code "1.50 MiB"}
     */
    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f MiB", bytes / (double) MIB);
    }
}
