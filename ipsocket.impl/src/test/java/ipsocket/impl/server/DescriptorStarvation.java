package ipsocket.impl.server;

import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import ipsocket.api.SocketError;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.common.SocketSettings;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.testing.Await;

/**
 * The child process of {@link TcpServerEmfileTest}: run under a low {@code ulimit -n}, it serves
 * one connection, exhausts the process's file descriptors with one client waiting in the backlog,
 * and reports on standard output, one {@code key=value} per line, what the server did: how many
 * accept errors it reported, the CPU time its loop thread used while it could not accept, whether
 * the connection it had kept working, and whether the waiting client was served once descriptors
 * were free again. Exits 0 when it could measure, 2 when the set-up itself failed.
 */
public final class DescriptorStarvation {
    /** How long the server is watched while it cannot accept. */
    static final Duration STARVED = Duration.ofSeconds(2);

    private DescriptorStarvation() {
    }

    /**
     * Runs the scenario.
     *
     * @param args none
     * @throws Exception if the set-up fails
     */
    public static void main(String[] args) throws Exception {
        // Everything the scenario will load, loaded now: with no descriptor left, a class file
        // cannot be opened, and the platform logger reads its configuration on first use.
        preload(DescriptorStarvation.class);
        preload(TcpServerImpl.class);
        System.getLogger(TcpServerImpl.class.getName()).log(System.Logger.Level.INFO, "starvation child starts");
        try (EventLoopGroup loops = new EventLoopGroup(1)) {
            run(loops);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void run(EventLoopGroup loops) throws Exception {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = new TcpServerImpl(loops, "starved");
        server.addListener(probe);
        server.applySettings(SocketSettings.builder(SocketProperties.TCP_SERVER)
                .set(SocketProperties.SERVER_LOCAL_PORT, 0).build());
        if (!server.listen()) {
            fail("cannot listen: " + server.getErrorString());
        }
        InetSocketAddress address = new InetSocketAddress(server.getLocalAddress(), server.getLocalPort());
        Socket served = new Socket();
        served.connect(address, 10_000);
        served.setSoTimeout(10_000);
        echo(served, "warm");
        Thread loopThread = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("ipsocket-io-")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no loop thread"));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        server.pauseAccepting();
        List<Closeable> fillers = new ArrayList<>();
        exhaust(fillers);
        fillers.remove(fillers.size() - 1).close();
        SocketChannel waiting = SocketChannel.open();
        waiting.connect(address); // completed by the OS: it waits in the backlog
        waiting.socket().setSoTimeout(10_000);
        exhaust(fillers); // whatever the JVM let go of meanwhile
        System.out.println("fillers=" + fillers.size());

        long cpuBefore = threads.getThreadCpuTime(loopThread.getId());
        long wallBefore = System.nanoTime();
        server.resumeAccepting();
        boolean reported = Await.within(() -> !probe.errors.isEmpty(), Duration.ofSeconds(10));
        boolean more = Await.within(() -> probe.errors.size() > 1, STARVED);
        boolean echoed = echoQuietly(served, "kept");
        long cpu = threads.getThreadCpuTime(loopThread.getId()) - cpuBefore;
        long wall = System.nanoTime() - wallBefore;

        for (Closeable filler : fillers) {
            filler.close();
        }
        boolean recovered = Await.within(() -> probe.accepted.size() == 2, Duration.ofSeconds(10));
        boolean waitingServed = recovered && echoQuietly(waiting.socket(), "late");

        System.out.println("reported=" + reported);
        System.out.println("moreReports=" + more);
        System.out.println("acceptErrors=" + probe.errors.size());
        System.out.println("error=" + (probe.errors.isEmpty() ? SocketError.NO_ERROR : probe.errors.get(0).error()));
        System.out.println("errorString=" + (probe.errors.isEmpty() ? "" : probe.errors.get(0).text()));
        System.out.println("loopCpuNanos=" + cpu);
        System.out.println("wallNanos=" + wall);
        System.out.println("servedWhileStarved=" + echoed);
        System.out.println("recovered=" + waitingServed);
        waiting.close();
        served.close();
        server.dispose(1_000);
    }

    /** Opens sockets until the process has no descriptor left. */
    private static void exhaust(List<Closeable> fillers) {
        try {
            while (fillers.size() < 100_000) {
                fillers.add(SocketChannel.open());
            }
        } catch (IOException outOfDescriptors) {
            return;
        }
        fail("the descriptor limit was not reached: is ulimit -n in effect?");
    }

    private static void echo(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        byte[] answer = socket.getInputStream().readNBytes(text.length());
        if (!text.equals(new String(answer, StandardCharsets.US_ASCII))) {
            throw new IOException("echo of '" + text + "' came back as '" + new String(answer,
                    StandardCharsets.US_ASCII) + "'");
        }
    }

    private static boolean echoQuietly(Socket socket, String text) {
        try {
            echo(socket, text);
            return true;
        } catch (IOException e) {
            System.out.println("echoFailure=" + e);
            return false;
        }
    }

    /** Loads every class of the directory (or jar's directory tree) a class was loaded from. */
    private static void preload(Class<?> anchor) throws IOException, URISyntaxException {
        Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(path -> path.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.');
                try {
                    Class.forName(name.substring(0, name.length() - ".class".length()), false,
                            anchor.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // a class of a test this child does not run (its dependencies may be absent)
                }
            }
        }
    }

    private static void fail(String reason) {
        System.out.println("setupFailure=" + reason);
        System.out.flush();
        System.exit(2);
    }
}
