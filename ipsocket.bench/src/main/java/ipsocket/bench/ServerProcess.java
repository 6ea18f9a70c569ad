package ipsocket.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ipsocket.bench.peer.Peer;
import ipsocket.bench.server.EchoServers;

/**
 * An implementation's echo server for the server modes: in a child JVM of its own (the default),
 * or in this one ({@code --in-process}, the smoke test).
 *
 * <p>In a child JVM the server's code is the only server code the JIT sees: with all four
 * servers in the runner, the profiles of the JDK code they share (the socket channel, the
 * ByteBuffer classes) mixed their call sites, and which implementation paid for it changed with
 * the order of the runs. The child takes commands on stdin and answers on stdout: {@code BASE}
 * and {@code MEASURE n} (its {@link MemoryProbe}, for server-scale), {@code CPU} (its process CPU
 * time, added to the client's for the CPU figures) and {@code EXIT}.
 */
abstract class ServerProcess implements AutoCloseable {
    private static final String PORT_PREFIX = "PORT ";
    private static final String CPU_PREFIX = "CPU ";

    /**
     * Starts an implementation's echo server.
     *
     * @param impl the implementation
     * @param ioThreads its I/O threads
     * @param inProcess whether it runs in this JVM
     * @param forMemory whether the child JVM is one for memory figures ({@link ChildJvm#forMemory()})
     * @param log where the child's other output goes
     * @return the listening server
     * @throws Exception if it does not start
     */
    static ServerProcess open(String impl, int ioThreads, boolean inProcess, boolean forMemory, PrintStream log)
            throws Exception {
        return inProcess ? new Local(impl, ioThreads) : new Child(impl, ioThreads, forMemory, log);
    }

    /**
     * Returns where the server listens.
     *
     * @return its loopback address
     */
    abstract InetSocketAddress address();

    /**
     * Returns the CPU time the server's own process has used, 0 when it runs in this one (whose
     * figure includes it already).
     *
     * @return nanoseconds
     * @throws Exception if the child does not answer
     */
    abstract long cpuNanos() throws Exception;

    /**
     * Takes the memory baseline.
     *
     * @throws Exception if the child does not answer
     */
    abstract void baseline() throws Exception;

    /**
     * Measures the memory growth since the baseline.
     *
     * @param n connections held
     * @return the figures of {@link MemoryProbe#measure}
     * @throws Exception if the child does not answer
     */
    abstract Map<String, Double> measure(int n) throws Exception;

    @Override
    public abstract void close();

    /** The server in this JVM. */
    private static final class Local extends ServerProcess {
        private final MemoryProbe probe = new MemoryProbe();
        private final Peer server;

        private final String impl;

        Local(String impl, int ioThreads) throws IOException {
            this.impl = impl;
            server = EchoServers.open(impl, ioThreads);
        }

        @Override
        InetSocketAddress address() {
            return server.address();
        }

        @Override
        long cpuNanos() {
            return 0;
        }

        @Override
        void baseline() {
            probe.baseline();
        }

        @Override
        Map<String, Double> measure(int n) {
            return probe.measure(n, impl + " server-scale");
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** The server in a child JVM, driven through its stdin and stdout. */
    private static final class Child extends ServerProcess {
        private final Process process;
        private final BufferedReader answers;
        private final Writer commands;
        private final StringBuilder other = new StringBuilder();
        private final PrintStream log;
        private final String impl;
        private final int port;

        Child(String impl, int ioThreads, boolean forMemory, PrintStream log) throws Exception {
            this.impl = impl;
            this.log = log;
            List<String> command = forMemory ? ChildJvm.forMemory() : new ArrayList<>(List.of(ChildJvm.java()));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(),
                    "server-child", impl, String.valueOf(ioThreads)));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            try {
                port = Integer.parseInt(await(PORT_PREFIX, Deadline.in(60_000, impl + " server child start")));
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        InetSocketAddress address() {
            return Peer.loopback(port);
        }

        @Override
        long cpuNanos() throws Exception {
            send("CPU");
            return Long.parseLong(await(CPU_PREFIX, Deadline.in(60_000, impl + " server CPU time")));
        }

        @Override
        void baseline() throws Exception {
            send("BASE");
            await("OK", Deadline.in(60_000, impl + " server memory baseline"));
        }

        @Override
        Map<String, Double> measure(int n) throws Exception {
            send("MEASURE " + n);
            return ChildJvm.figures(await(ConnScale.CHILD_PREFIX, Deadline.in(60_000, impl + " server memory")));
        }

        private void send(String command) throws IOException {
            commands.write(command + "\n");
            commands.flush();
        }

        /** The rest of the child's next line that starts with the prefix; other lines are kept for the log. */
        private String await(String prefix, Deadline d) throws Exception {
            // A watchdog ends a child that stops answering, which ends the blocked read.
            Thread watchdog = new Thread(() -> {
                try {
                    if (!process.waitFor(d.waitMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException answered) {
                    // the line came
                }
            }, "server-child-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                String line;
                while ((line = answers.readLine()) != null) {
                    if (line.startsWith(prefix)) {
                        return line.substring(prefix.length()).trim();
                    }
                    // the diagnostics' lines are kept whole; other output up to a bound
                    if (other.length() < 4000 || line.startsWith("HISTO") || line.startsWith("NMT")) {
                        other.append("  [").append(impl).append(" server child] ").append(line).append('\n');
                    }
                }
                throw new IllegalStateException(d.what() + ": the child ended without answering: " + other);
            } finally {
                watchdog.interrupt();
            }
        }

        @Override
        public void close() {
            try {
                send("EXIT");
            } catch (IOException gone) {
                // it ended already
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            if (other.length() > 0 && log != null) {
                log.print(other);
            }
        }
    }

    /** Entry of the child JVM: {@code server-child impl ioThreads}, then commands on stdin. */
    static void child(String[] args) throws Exception {
        MemoryProbe probe = new MemoryProbe();
        try (Peer server = EchoServers.open(args[0], Integer.parseInt(args[1]));
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println(PORT_PREFIX + server.address().getPort());
            System.out.flush();
            String command;
            while ((command = in.readLine()) != null && !command.equals("EXIT")) {
                if (command.equals("CPU")) {
                    System.out.println(CPU_PREFIX + Sys.processCpuNanos());
                } else if (command.equals("BASE")) {
                    probe.baseline();
                    System.out.println("OK");
                } else if (command.startsWith("MEASURE ")) {
                    StringBuilder sb = new StringBuilder(ConnScale.CHILD_PREFIX);
                    probe.measure(Integer.parseInt(command.substring("MEASURE ".length())), args[0] + " server")
                            .forEach((k, x) -> sb.append(k).append('=').append(x).append(' '));
                    System.out.println(sb.toString().trim());
                }
                System.out.flush();
            }
        }
    }
}
