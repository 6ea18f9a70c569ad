package ipsocket.impl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ipsocket.api.SocketError;

/**
 * A server out of file descriptors (EMFILE), in a child JVM started under {@code ulimit -n 256}
 * ({@link DescriptorStarvation}): the failed accept is reported exactly once, the loop does not
 * spin on the connection it cannot accept (its thread's CPU time stays a small fraction of the
 * time it was starved; a naive NIO server spends all of it in select/accept), the connection the
 * server has keeps being served, and the waiting client is served once descriptors are free.
 */
class TcpServerEmfileTest {
    /** The loop may use at most this share of one CPU while starved; a spinning loop uses all of it. */
    private static final double MAX_CPU_SHARE = 0.2;

    @TempDir
    Path work;

    @Test
    void outOfDescriptorsIsReportedOnceWithoutSpinningAndRecovers() throws Exception {
        assumeTrue(File.separatorChar == '/' && new File("/bin/bash").canExecute(),
                "needs bash and ulimit (a Unix host) to limit the child's descriptors");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = work.resolve("child.out");
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", "-c",
                "ulimit -n 256 && exec \"$0\" -cp \"$1\" " + DescriptorStarvation.class.getName(), java,
                System.getProperty("java.class.path"));
        builder.redirectErrorStream(true).redirectOutput(output.toFile());
        Process child = builder.start();
        try {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ends within 60 s; output:\n" + read(output));
        } finally {
            child.destroyForcibly();
        }
        String text = read(output);
        assumeTrue(!text.contains("setupFailure=the descriptor limit"), "ulimit -n is not in effect here:\n" + text);
        assertEquals(0, child.exitValue(), "the child's exit status; output:\n" + text);
        Map<String, String> results = results(text);

        assertEquals("true", results.get("reported"), text);
        assertEquals("1", results.get("acceptErrors"), "reported once per episode; output:\n" + text);
        assertEquals("false", results.get("moreReports"), text);
        assertEquals(SocketError.SOCKET_RESOURCE_ERROR.name(), results.get("error"), text);
        assertTrue(results.get("errorString").contains("Too many open files"), text);
        long cpu = Long.parseLong(results.get("loopCpuNanos"));
        long wall = Long.parseLong(results.get("wallNanos"));
        assertTrue(wall >= DescriptorStarvation.STARVED.toNanos(), text);
        assertTrue(cpu < MAX_CPU_SHARE * wall, "the loop thread used " + TimeUnit.NANOSECONDS.toMillis(cpu)
                + " ms of CPU in " + TimeUnit.NANOSECONDS.toMillis(wall) + " ms starved: it spins; output:\n" + text);
        assertEquals("true", results.get("servedWhileStarved"), text);
        assertEquals("true", results.get("recovered"), text);
    }

    private static Map<String, String> results(String text) {
        Map<String, String> results = new HashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).matches("[a-zA-Z]+")) {
                results.put(line.substring(0, equals), line.substring(equals + 1).trim());
            }
        }
        return results;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
