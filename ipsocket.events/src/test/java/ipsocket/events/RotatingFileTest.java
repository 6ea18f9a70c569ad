package ipsocket.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size rotation, the bound on kept files and the owner-only mode, on the real file system. */
class RotatingFileTest {
    @TempDir
    Path folder;

    @Test
    void rotatesBySizeAndKeepsAtMostMaxFiles() throws IOException {
        Path path = folder.resolve("log/events.jsonl");
        List<String> written = new ArrayList<>();
        try (RotatingFile file = new RotatingFile(path, 1000, 3)) {
            for (int i = 0; i < 200; i++) {
                String line = String.format("line %04d %s", i, "x".repeat(39)); // 50 bytes with the break
                file.append(line);
                written.add(line);
            }
        }
        assertTrue(Files.exists(path.resolveSibling("events.jsonl.1")));
        assertTrue(Files.exists(path.resolveSibling("events.jsonl.2")));
        assertFalse(Files.exists(path.resolveSibling("events.jsonl.3")), "at most 3 files: the current and two");
        try (var files = Files.list(path.getParent())) {
            assertEquals(3, files.count());
        }
        // The newest lines, oldest file first, continue without a gap up to the last line written.
        List<String> kept = new ArrayList<>();
        for (String name : List.of("events.jsonl.2", "events.jsonl.1", "events.jsonl")) {
            Path one = path.resolveSibling(name);
            assertTrue(Files.size(one) <= 1000, name + " is " + Files.size(one) + " bytes");
            kept.addAll(Files.readAllLines(one));
        }
        assertEquals(written.subList(written.size() - kept.size(), written.size()), kept);
        assertEquals(60, kept.size(), "three full files of 20 lines each");
    }

    @Test
    void filesAreOwnerOnlyAlsoAfterRotationAndWhenTheyExisted() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX modes");
        Path path = folder.resolve("gateway.log");
        Files.writeString(path, "from before\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
        try (RotatingFile file = new RotatingFile(path, 30, 2)) {
            file.append("a line of twenty-odd bytes");
            file.append("another line, after rotation");
        }
        for (Path one : List.of(path, path.resolveSibling("gateway.log.1"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(one)), one.toString());
        }
        assertEquals(List.of("another line, after rotation"), Files.readAllLines(path));
    }

    @Test
    void propertiesNameTheFileAndBadSizesFallBackToTheDefaults() throws IOException {
        assertEquals(null, RotatingFile.fromProperties("p", key -> null));
        Path path = folder.resolve("events.jsonl");
        Map<String, String> properties = Map.of("p.file", path.toString(), "p.maxBytes", "1e3", "p.maxFiles", "2");
        try (RotatingFile file = RotatingFile.fromProperties("p", properties::get)) {
            assertEquals(path, file.path());
            file.append("x".repeat(2000)); // far below the default 10 MiB: no rotation
            file.append("y");
        }
        assertFalse(Files.exists(path.resolveSibling("events.jsonl.1")));
        assertEquals(10L * 1024 * 1024, RotatingFile.DEFAULT_MAX_BYTES);
        assertEquals(5, RotatingFile.DEFAULT_MAX_FILES);
    }
}
