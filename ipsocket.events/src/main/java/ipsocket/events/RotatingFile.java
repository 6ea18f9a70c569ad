package ipsocket.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A text file of lines, appended to and rotated by size: when a line would take the file past
 * {@code maxBytes}, {@code FILE} becomes {@code FILE.1}, {@code FILE.1} becomes {@code FILE.2},
 * and so on, and at most {@code maxFiles} files are kept ({@code FILE} and
 * {@code FILE.1 .. FILE.(maxFiles-1)}); the oldest is deleted. Every file is created readable
 * and writable by its owner only (0600) where the file system has POSIX permissions, and an
 * existing file opened for appending is narrowed to 0600 as well. Each line is written to the
 * operating system at once (no buffering in the JVM), so a reader sees it immediately and a
 * crash loses nothing written before. Thread-safe.
 */
final class RotatingFile implements AutoCloseable {
    /** Default size of one file: 10 MiB. */
    static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    /** Default number of files kept, the current one included. */
    static final int DEFAULT_MAX_FILES = 5;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path path;
    private final long maxBytes;
    private final int maxFiles;
    private FileChannel channel;
    private long size;

    /**
     * Opens (creating it and its folder if needed) a file for appending.
     *
     * @param path the file
     * @param maxBytes the size at which the file is rotated, at least 1
     * @param maxFiles how many files are kept, the current one included, at least 1
     * @throws IOException if the file cannot be opened
     */
    RotatingFile(Path path, long maxBytes, int maxFiles) throws IOException {
        if (maxBytes < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("maxBytes and maxFiles must be at least 1: " + maxBytes + ", "
                    + maxFiles);
        }
        this.path = path.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        if (this.path.getParent() != null) {
            Files.createDirectories(this.path.getParent());
        }
        open();
    }

    /**
     * Opens the file that the properties {@code PREFIX.file}, {@code PREFIX.maxBytes} and
     * {@code PREFIX.maxFiles} describe (framework properties, which fall back to system
     * properties), or returns {@code null} when {@code PREFIX.file} is unset or blank. A size
     * or count that is not a positive whole number is refused with a line on standard error
     * naming the key and the value, and its default is used.
     *
     * @param prefix such as {@code ipsocket.events}
     * @param properties looks a property up, {@code null} when unset
     * @return the open file, or {@code null}
     * @throws IOException if the file cannot be opened
     */
    static RotatingFile fromProperties(String prefix, UnaryOperator<String> properties) throws IOException {
        String file = properties.apply(prefix + ".file");
        if (file == null || file.isBlank()) {
            return null;
        }
        long maxBytes = positive(prefix + ".maxBytes", properties, DEFAULT_MAX_BYTES);
        int maxFiles = (int) Math.min(Integer.MAX_VALUE, positive(prefix + ".maxFiles", properties,
                DEFAULT_MAX_FILES));
        return new RotatingFile(Path.of(file.trim()), maxBytes, maxFiles);
    }

    private static long positive(String key, UnaryOperator<String> properties, long fallback) {
        String value = properties.apply(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        System.err.println("ipsocket: bad value " + key + " = '" + value + "' (a whole number of at least 1),"
                + " using " + fallback);
        return fallback;
    }

    /**
     * Returns the file written to.
     *
     * @return the current file
     */
    Path path() {
        return path;
    }

    /**
     * Appends one line (a line break is added), rotating first when it would not fit. A line
     * longer than {@code maxBytes} is written whole, alone in its file.
     *
     * @param line the text, without a line break
     * @throws IOException if the file cannot be written or rotated
     */
    synchronized void append(String line) throws IOException {
        if (channel == null) {
            throw new IOException(path + " is closed");
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (size > 0 && size + bytes.length > maxBytes) {
            rotate();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            size += channel.write(buffer);
        }
    }

    private void rotate() throws IOException {
        channel.close();
        channel = null;
        if (maxFiles == 1) {
            Files.deleteIfExists(path);
        } else {
            Files.deleteIfExists(numbered(maxFiles - 1));
            for (int n = maxFiles - 2; n >= 1; n--) {
                Path older = numbered(n);
                if (Files.exists(older)) {
                    Files.move(older, numbered(n + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    private Path numbered(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    private void open() throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (POSIX) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            channel = FileChannel.open(path, options, ownerOnly);
            // The attribute applies only when the file is created (and the umask may narrow it):
            // an existing file is made owner-only too.
            Files.setPosixFilePermissions(path, OWNER_ONLY);
        } else {
            channel = FileChannel.open(path, options);
        }
        size = channel.size();
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
