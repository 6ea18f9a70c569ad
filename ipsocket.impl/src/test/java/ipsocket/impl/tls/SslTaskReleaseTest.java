package ipsocket.impl.tls;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import ipsocket.api.SocketState;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.TestPki;
import ipsocket.impl.testing.TlsPeer;

/**
 * A TLS socket closed while its handshake task runs on the TLS thread: the task's thread still
 * uses the layer's buffers, so they go back to the shared pool only when the task is done (given
 * back at the close, another connection could take them while the task writes into them). The
 * task is held back by the executor, so the close lands inside it every time; the test follows
 * the layer past the connection's end and asks what buffers it still holds.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // keytool is slow on a loaded machine
class SslTaskReleaseTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    /** Holds every task it is given until the test runs it. */
    private static final class HeldTasks implements Executor {
        final BlockingQueue<Runnable> held = new LinkedBlockingQueue<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }
    }

    /** Asks on the socket's loop thread, which owns the layer's fields, and waits for the answer. */
    private static <T> T onLoop(SslSocketImpl socket, java.util.function.Supplier<T> question) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        socket.loop().execute(() -> answer.complete(question.get()));
        try {
            return answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the loop did not answer", e);
        }
    }

    @Test
    void aSocketClosedWhileItsHandshakeTaskRunsGivesItsBuffersBackWhenTheTaskIsDone() throws Exception {
        TestPki pki = new TestPki(dir, "task-ca", "EC");
        TestPki.Entity server = pki.issue("server", "EC", "localhost", "dns:localhost,ip:127.0.0.1", false);
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, TlsPeer.protocols("TLSv1.3"), TlsPeer.ECHO));
        HeldTasks tasks = new HeldTasks();
        SslSocketImpl socket = fixture.disposeAfterTest(new SslSocketImpl(fixture.loops(), "held-task", tasks));
        socket.setCaCertificates(List.of(pki.caPem().toString()));

        socket.connectToHost("localhost", peer.port());
        Runnable task = tasks.held.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(task, "the handshake reached a delegated task");
        TlsLayer layer = onLoop(socket, socket::liveLayer);
        assertTrue(onLoop(socket, layer::heldBufferBytes) > 0, "the handshake holds its buffers");
        socket.abort();
        probe(socket).await(() -> socket.getState() == SocketState.DISCONNECTED, WAIT, "aborted");
        assertTrue(onLoop(socket, layer::heldBufferBytes) > 0, "no buffer given back while the task holds them");

        Thread taskThread = new Thread(task, "held-tls-task");
        taskThread.start();
        taskThread.join(WAIT.toMillis());
        Await.until(() -> onLoop(socket, layer::heldBufferBytes) == 0, WAIT,
                () -> "the buffers came back once the task was done");
    }
}
