package ipsocket.bench;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import ipsocket.bench.client.Client;
import ipsocket.bench.client.NioClient;

/**
 * server-scale: N connections accepted and held by an implementation's echo server, one byte
 * echoed on each, and the memory the server pays per accepted connection (the server side of
 * conn-scale).
 *
 * <p>By default the server runs in a child JVM with a fixed, pre-touched heap (as in
 * {@link ConnScale}, see {@link ServerProcess}): RSS growth there is native memory only,
 * live-heap growth after full GCs is added to it, and the raw NIO client that connects stays in
 * this JVM, so its sockets are not counted. {@code --in-process} runs the server in this JVM
 * (the smoke test): the figures then contain the client's sockets too.
 */
public final class ServerScale {
    /** Time for the server to see the warm-up connections end before the baseline. */
    private static final long SETTLE_MILLIS = 500;

    private ServerScale() {
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
        try (ServerProcess server = ServerProcess.open(impl, ioThreads, inProcess, true, log);
                Client client = new NioClient()) {
            InetSocketAddress address = server.address();
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

}
