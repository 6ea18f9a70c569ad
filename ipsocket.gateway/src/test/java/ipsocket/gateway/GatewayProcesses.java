package ipsocket.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assertions;

/**
 * Ends a gateway started through the {@code ./gateway} script, with its JVM: the script runs
 * the JVM as a child, so killing only the script would leave the JVM running as an orphan.
 * Also waits for what a gateway test expects, failing with the gateway's output.
 */
final class GatewayProcesses {
    private GatewayProcesses() {
    }

    /**
     * A gateway started headless by {@link #startHeadless}.
     *
     * @param process the script's process
     * @param deploy its {@code --deploy} folder
     * @param console the file its standard output and error go to
     */
    record Headless(Process process, Path deploy, Path console) {
    }

    /**
     * Starts {@code ./gateway --no-shell} on an empty configuration folder, with its deploy
     * folder, log and console in a work folder.
     *
     * @param work the test's temporary folder
     * @param environment added to the script's environment (JAVA_OPTS and the like)
     * @param options more options for the script (such as {@code --web PORT})
     * @return the running gateway
     * @throws IOException if it cannot be started
     */
    static Headless startHeadless(Path work, Map<String, String> environment, String... options) throws IOException {
        Path conf = Files.createDirectories(work.resolve("conf"));
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        Path console = work.resolve("console.txt");
        List<String> command = new ArrayList<>(List.of("bash", System.getProperty("ipsocket.gateway.script"),
                "--no-shell", "--conf", conf.toString(), "--deploy", deploy.toString(), "--log",
                work.resolve("gateway.log").toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(console.toFile());
        return new Headless(builder.start(), deploy, console);
    }

    /**
     * Sends SIGTERM to the script and every process below it, waits up to ten seconds, then
     * kills whatever still runs. Safe to call on a process that has ended.
     *
     * @param gateway the script's process, or {@code null}
     * @throws InterruptedException if interrupted while waiting
     */
    static void stop(Process gateway) throws InterruptedException {
        if (gateway == null) {
            return;
        }
        // Taken first: once the script ends, its children are no longer its descendants.
        List<ProcessHandle> all = gateway.toHandle().descendants().collect(Collectors.toList());
        all.add(gateway.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle process : all) {
            long left = deadline - System.nanoTime();
            try {
                process.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
            }
        }
        gateway.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Stops the gateway ({@link #stop(Process)}), then closes the test's own resources (peers).
     *
     * @param gateway the script's process, or {@code null}
     * @param closeables closed in order after the gateway has ended
     * @throws Exception if one cannot be closed
     */
    static void stop(Process gateway, List<AutoCloseable> closeables) throws Exception {
        stop(gateway);
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    /**
     * Polls a condition every 50 ms until it holds; fails, with the gateway's output, when the
     * gateway ends first or the deadline passes.
     *
     * @param gateway the running gateway
     * @param within the deadline
     * @param output the file the gateway's standard output goes to
     * @param condition what is awaited
     * @param what says what is awaited, for the failure message
     */
    static void await(Process gateway, Duration within, Path output, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (!gateway.isAlive()) {
                Assertions.fail("the gateway ended while waiting for " + what + "; log:\n" + read(output));
            }
            if (System.nanoTime() > deadline) {
                Assertions.fail("no " + what + " within " + within + "; log:\n" + read(output));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * Returns whether a command is on the PATH (tests that need openssl skip without it).
     *
     * @param command the command
     * @return {@code true} if found
     */
    static boolean commandInstalled(String command) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && java.nio.file.Files.isExecutable(Path.of(entry, command))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the gateway's output so far, for a failure message.
     *
     * @param output the file the gateway's standard output goes to
     * @return its text, or a note saying why there is none
     */
    static String read(Path output) {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
