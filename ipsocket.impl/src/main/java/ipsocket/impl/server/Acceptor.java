package ipsocket.impl.server;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import ipsocket.impl.loop.ChannelHandler;
import ipsocket.impl.loop.EventLoop;
import ipsocket.impl.loop.Timer;

/**
 * A server's listening channel on its event loop: binds it, accepts while the server wants
 * connections, and backs off when accepting fails.
 *
 * <p>Accepting is on (OP_ACCEPT registered) unless paused by the user, at the server's connection
 * limit, or backing off. A failed accept (EMFILE or ENFILE when descriptors run out, anything
 * else the OS says) is not retried from the selector: readiness is level-triggered, so a pending
 * connection that cannot be taken would wake the loop at once, again and again, at 100% CPU (the
 * well-known failure of naive NIO servers). Instead OP_ACCEPT is dropped and a timer retries after
 * {@value #BACKOFF_MIN_MILLIS} ms, doubling up to {@value #BACKOFF_MAX_MILLIS} ms; the first
 * failure of an episode is reported, the retries are quiet, and the first accept that works ends
 * the episode. Loop thread only.
 */
final class Acceptor implements ChannelHandler {
    /** Accepts per readiness event before other channels of the loop get their turn. */
    static final int ACCEPTS_PER_EVENT = 64;
    /** First wait after a failed accept. */
    static final long BACKOFF_MIN_MILLIS = 50;
    /** Longest wait between retries of a failing accept. */
    static final long BACKOFF_MAX_MILLIS = 1_000;

    /** What the acceptor tells its server. */
    interface Server {
        /**
         * A connection was accepted.
         *
         * @param accepted the channel, owned by the server from now on
         */
        void accepted(SocketChannel accepted);

        /**
         * Accepting failed, for the first time in an episode.
         *
         * @param failure what the OS said
         * @param retryMillis when accepting is retried
         */
        void acceptFailed(IOException failure, long retryMillis);

        /** The loop shut down with the channel open: the server has stopped listening. */
        void loopShutDown();
    }

    private final EventLoop loop;
    private final Server server;
    private ServerSocketChannel channel;
    private SelectionKey key;
    /** Where the channel is bound, kept after closing (the port a CLOSED event names). */
    private volatile InetSocketAddress bound;
    private volatile boolean listening;
    private boolean paused;
    private boolean atLimit;
    private boolean backingOff;
    private boolean failureReported;
    private long backoffMillis;
    private Timer retry;

    Acceptor(EventLoop loop, Server server) {
        this.loop = loop;
        this.server = server;
    }

    /**
     * Opens, binds and registers the listening channel.
     *
     * @param address where to listen
     * @param backlog the listen backlog
     * @throws IOException if the channel cannot be opened or bound (the address in use, ...)
     */
    void open(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel opened = ServerSocketChannel.open(address.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            opened.configureBlocking(false);
            // A restarted server must get its port back while its last connections are in TIME_WAIT;
            // a port another socket listens on stays refused (Address In Use).
            opened.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            opened.bind(address, backlog);
            key = loop.register(opened, 0, this);
        } catch (IOException | RuntimeException e) {
            loop.close(null, opened);
            throw e;
        }
        channel = opened;
        bound = (InetSocketAddress) opened.getLocalAddress();
        listening = true;
        backingOff = false;
        failureReported = false;
        backoffMillis = 0;
        updateInterest();
    }

    /** Closes the listening channel; pending clients in the backlog are refused by the OS. */
    void close() {
        cancelRetry();
        backingOff = false;
        if (channel != null) {
            loop.close(key, channel);
            channel = null;
            key = null;
            listening = false;
        }
    }

    /**
     * Returns whether the channel is open.
     *
     * @return {@code true} while listening
     */
    boolean isOpen() {
        return channel != null;
    }

    /**
     * Returns the address the channel is bound to, or was until it closed; any thread.
     *
     * @return the address, {@code null} if it never listened since {@link #forgetAddress()}
     */
    InetSocketAddress bound() {
        return bound;
    }

    /** Forgets where the channel was bound: the configured address changed. */
    void forgetAddress() {
        if (!listening) {
            bound = null;
        }
    }

    /**
     * Returns whether the channel is open; any thread.
     *
     * @return {@code true} while listening
     */
    boolean isListening() {
        return listening;
    }

    /**
     * Pauses or resumes accepting at the user's request.
     *
     * @param pause {@code true} to pause
     */
    void setPaused(boolean pause) {
        paused = pause;
        updateInterest();
    }

    /**
     * Returns whether the user paused accepting.
     *
     * @return {@code true} while paused
     */
    boolean isPaused() {
        return paused;
    }

    /**
     * Stops or resumes accepting at the server's connection limit.
     *
     * @param reached whether the limit is reached
     */
    void setAtLimit(boolean reached) {
        if (reached != atLimit) {
            atLimit = reached;
            updateInterest();
        }
    }

    private boolean accepting() {
        return channel != null && !paused && !atLimit && !backingOff;
    }

    private void updateInterest() {
        if (key != null && key.isValid()) {
            int wanted = accepting() ? SelectionKey.OP_ACCEPT : 0;
            if (key.interestOps() != wanted) {
                key.interestOps(wanted);
            }
        }
    }

    @Override
    public void onReady(SelectionKey readyKey) {
        if (readyKey == key && readyKey.isValid() && readyKey.isAcceptable()) {
            acceptSome();
        }
    }

    /** Accepts what is pending, up to {@value #ACCEPTS_PER_EVENT}, while the server wants more. */
    private void acceptSome() {
        for (int i = 0; i < ACCEPTS_PER_EVENT && accepting(); i++) {
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (IOException e) {
                backOff(e);
                return;
            }
            failureReported = false; // an accept that works (or finds nothing) ends an episode
            backoffMillis = 0;
            if (accepted == null) {
                return;
            }
            server.accepted(accepted);
        }
    }

    /** Stops accepting for a while after a failure; reports only the first of an episode. */
    private void backOff(IOException failure) {
        backoffMillis = backoffMillis == 0 ? BACKOFF_MIN_MILLIS : Math.min(BACKOFF_MAX_MILLIS, backoffMillis * 2);
        backingOff = true;
        updateInterest();
        cancelRetry();
        retry = loop.schedule(backoffMillis, this::retry);
        if (!failureReported) {
            failureReported = true;
            server.acceptFailed(failure, backoffMillis);
        }
    }

    private void retry() {
        retry = null;
        backingOff = false;
        if (channel != null) {
            acceptSome(); // at once, not through the selector: a failure backs off again
            updateInterest();
        }
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
    }

    @Override
    public void onLoopShutdown() {
        cancelRetry();
        channel = null;
        key = null;
        listening = false;
        server.loopShutDown();
    }
}
