package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's last resorts (issue 14), so that a supervisor can always restart it: a JVM that
 * runs out of heap ends at once with status 3 instead of living on without the threads that would
 * stop it, and a JVM that has not ended {@code IPSOCKET_STOP_TIMEOUT} seconds after SIGTERM (here
 * a bundle whose stop never returns) is killed by the script.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayLastResortIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path work;

    private Process gateway;
    private Path console;

    @AfterEach
    void stop() throws Exception {
        GatewayProcesses.stop(gateway, List.of());
    }

    @Test
    void anOutOfMemoryErrorEndsTheGatewayAtOnceWithStatus3() throws Exception {
        Path deploy = start(Map.of("JAVA_OPTS", "-Xmx48m"));
        GatewayFiles.writeBundle(deploy.resolve("eater.jar"), "ipsocket.test.eater", HeapExhaustingActivator.class);
        assertTrue(gateway.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS),
                "the gateway ends after running out of heap; output:\n" + GatewayProcesses.read(console));
        assertEquals(3, gateway.exitValue(), "exit status; output:\n" + GatewayProcesses.read(console));
        assertTrue(GatewayProcesses.read(console).contains("OutOfMemoryError"), GatewayProcesses.read(console));
    }

    @Test
    void aJvmThatDoesNotStopAfterSigtermIsKilledAfterTheStopTimeout() throws Exception {
        Path marker = work.resolve("marker.txt");
        Path deploy = start(Map.of("JAVA_OPTS", "-Xmx128m -Dipsocket.test.marker=" + marker,
                "IPSOCKET_STOP_TIMEOUT", "3"));
        GatewayFiles.writeBundle(deploy.resolve("stuck.jar"), "ipsocket.test.stuck", StuckStopActivator.class);
        GatewayProcesses.await(gateway, DEADLINE, console, () -> Files.exists(marker), "the stuck bundle to start");

        gateway.destroy(); // SIGTERM to the script, as a service manager sends it; the script forwards it
        assertTrue(gateway.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS),
                "the gateway ends after SIGTERM; output:\n" + GatewayProcesses.read(console));
        assertEquals(137, gateway.exitValue(), "exit status; output:\n" + GatewayProcesses.read(console));
        assertTrue(GatewayProcesses.read(console).contains("did not stop within 3 s"), GatewayProcesses.read(console));
        assertTrue(gateway.toHandle().descendants().noneMatch(ProcessHandle::isAlive), "a child outlives the script");
    }

    /** Starts the gateway headless on an empty configuration; returns its deploy folder. */
    private Path start(Map<String, String> environment) throws IOException {
        GatewayProcesses.Headless started = GatewayProcesses.startHeadless(work, environment);
        gateway = started.process();
        console = started.console();
        return started.deploy();
    }
}
