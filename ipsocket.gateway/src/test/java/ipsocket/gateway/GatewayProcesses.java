package ipsocket.gateway;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Ends a gateway started through the {@code ./gateway} script, with its JVM: the script runs
 * the JVM as a child, so killing only the script would leave the JVM running as an orphan.
 */
final class GatewayProcesses {
    private GatewayProcesses() {
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
}
