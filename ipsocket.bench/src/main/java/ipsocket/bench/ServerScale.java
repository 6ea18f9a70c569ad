package ipsocket.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ipsocket.bench.client.Client;
import ipsocket.bench.client.NioClient;
import ipsocket.bench.peer.Peer;
import ipsocket.bench.server.EchoServers;

/**
 * server-scale: N connections accepted and held by an implementation's echo server, one byte
 * echoed on each, and the memory the server pays per accepted connection (the server side of
 * conn-scale).
 *
 * <p>By default the server runs in a child JVM with a fixed, pre-touched heap (as in
 * {@link ConnScale}): RSS growth there is native memory only, live-heap growth after full GCs is
 * added to it, and the raw NIO client that connects stays in this JVM, so its sockets are not
 * counted. The child takes commands on stdin ({@code BASE}: take the baseline; {@code MEASURE n}:
 * measure with n connections held) and answers on stdout. {@code --in-process} runs the server
 * in this JVM (the smoke test): the figures then contain the client's sockets too.
 */
public final class ServerScale {
    private static final String PORT_PREFIX = "PORT ";
    /** Time for the server to see the warm-up connections end before the baseline. */
    private static final long SETTLE_MILLIS = 500;

    private ServerScale() {
    }

    /** The server side: where it listens, its baseline and its growth. */
    private interface ServerSide extends AutoCloseable {
        int port();

        void baseline() throws Exception;

        Map<String, Double> measure(int n) throws Exception;

        @Override
        void close();
    }

    /**
     * One measurement: the server in a child JVM, or in this one.
     *
     * @param impl the server's implementation
     * @param n connections to hold
     * @param ioThreads the server's I/O threads
     * @param warmupSecs warm-up time (at least 3 rounds of up to 500 connections)
     * @param inProcess whether the server runs in this JVM
     * @param log where the child's other output goes
     * @return the figures
     * @throws Exception if a step fails or times out
     */
    static Map<String, Double> run(String impl, int n, int ioThreads, double warmupSecs, boolean inProcess,
            PrintStream log) throws Exception {
        try (ServerSide server = inProcess ? new LocalServer(impl, ioThreads) : new ChildServer(impl, ioThreads, log);
                Client client = new NioClient()) {
            InetSocketAddress address = Peer.loopback(server.port());
            ScaleWarmUp.run(client, address, n, warmupSecs, "server-scale");
            Thread.sleep(SETTLE_MILLIS);
            server.baseline();
            Deadline d = Deadline.in(60_000 + n * 10L, "server-scale with " + n + " connections");
            try (Client.Connections held = client.connect(address, n, d)) {
                long echo = held.echoAll(d);
                Map<String, Double> v = new LinkedHashMap<>();
                v.put("connect_ms", held.connectNanos() / 1e6);
                v.put("ready_ms", echo / 1e6);
                v.putAll(server.measure(n));
                v.put("conns", (double) n);
                return v;
            }
        }
    }

    /** The server in this JVM. */
    private static final class LocalServer implements ServerSide {
        private final MemoryProbe probe = new MemoryProbe();
        private final Peer server;

        private final String impl;

        LocalServer(String impl, int ioThreads) throws java.io.IOException {
            this.impl = impl;
            server = EchoServers.open(impl, ioThreads);
        }

        @Override
        public int port() {
            return server.address().getPort();
        }

        @Override
        public void baseline() {
            probe.baseline();
        }

        @Override
        public Map<String, Double> measure(int n) {
            return probe.measure(n, impl + " server-scale");
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** The server in a child JVM, driven through its stdin and stdout. */
    private static final class ChildServer implements ServerSide {
        private final Process process;
        private final BufferedReader answers;
        private final Writer commands;
        private final StringBuilder other = new StringBuilder();
        private final PrintStream log;
        private final String impl;
        private final int port;

        ChildServer(String impl, int ioThreads, PrintStream log) throws Exception {
            this.impl = impl;
            this.log = log;
            List<String> command = ChildJvm.forMemory();
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(),
                    "server-scale-child", impl, String.valueOf(ioThreads)));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            try {
                port = Integer.parseInt(await(PORT_PREFIX, Deadline.in(60_000, impl + " server-scale child start")));
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public void baseline() throws Exception {
            send("BASE");
            await("OK", Deadline.in(60_000, impl + " server-scale baseline"));
        }

        @Override
        public Map<String, Double> measure(int n) throws Exception {
            send("MEASURE " + n);
            return ChildJvm.figures(await(ConnScale.CHILD_PREFIX, Deadline.in(60_000, impl + " server-scale measure")));
        }

        private void send(String command) throws java.io.IOException {
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
            }, "server-scale-child-watchdog");
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
            } catch (java.io.IOException gone) {
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

    /** Entry of the child JVM: {@code server-scale-child impl ioThreads}, then commands on stdin. */
    static void child(String[] args) throws Exception {
        MemoryProbe probe = new MemoryProbe();
        try (Peer server = EchoServers.open(args[0], Integer.parseInt(args[1]));
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println(PORT_PREFIX + server.address().getPort());
            System.out.flush();
            String command;
            while ((command = in.readLine()) != null && !command.equals("EXIT")) {
                if (command.equals("BASE")) {
                    probe.baseline();
                    System.out.println("OK");
                } else if (command.startsWith("MEASURE ")) {
                    StringBuilder sb = new StringBuilder(ConnScale.CHILD_PREFIX);
                    probe.measure(Integer.parseInt(command.substring("MEASURE ".length())), args[0] + " server-scale")
                            .forEach((k, x) -> sb.append(k).append('=').append(x).append(' '));
                    System.out.println(sb.toString().trim());
                }
                System.out.flush();
            }
        }
    }
}
