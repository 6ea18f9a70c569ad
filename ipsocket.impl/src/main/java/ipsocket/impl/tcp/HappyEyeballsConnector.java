package ipsocket.impl.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import ipsocket.impl.loop.ChannelHandler;
import ipsocket.impl.loop.EventLoop;
import ipsocket.impl.loop.Timer;

/**
 * Connects to the first reachable of several addresses, RFC 8305 style: attempts start in
 * order, a new one every connection attempt delay while earlier ones are pending (at once when
 * one fails), the first to connect wins and every other attempt is closed. Runs on one loop.
 */
final class HappyEyeballsConnector {

    /** Opens a configured, unconnected channel for a target. */
    interface ChannelOpener {
        SocketChannel open(InetSocketAddress target) throws IOException;
    }

    /** Receives the outcome, once. */
    interface Outcome {
        /** The winning channel, registered with the loop under {@code key}. */
        void connected(SocketChannel channel, SelectionKey key);

        /** Every attempt failed; {@code failure} is the most telling failure. */
        void failed(Exception failure, InetSocketAddress target);
    }

    private final EventLoop loop;
    private final List<InetSocketAddress> targets;
    private final long attemptDelayMillis;
    private final ChannelOpener opener;
    private final Outcome outcome;
    private final List<Attempt> pending = new ArrayList<>();
    private int nextTarget;
    private Timer delayTimer;
    private boolean finished;
    private Exception lastFailure;
    private InetSocketAddress lastTarget;

    HappyEyeballsConnector(EventLoop loop, List<InetSocketAddress> targets, long attemptDelayMillis,
            ChannelOpener opener, Outcome outcome) {
        this.loop = loop;
        this.targets = targets;
        this.attemptDelayMillis = attemptDelayMillis;
        this.opener = opener;
        this.outcome = outcome;
    }

    void start() {
        startNext();
    }

    /** Closes every pending attempt; no outcome is reported afterwards. */
    void cancel() {
        finished = true;
        cancelTimer();
        for (Attempt attempt : pending) {
            attempt.close();
        }
        pending.clear();
    }

    private void startNext() {
        cancelTimer();
        while (!finished && nextTarget < targets.size()) {
            InetSocketAddress target = targets.get(nextTarget++);
            SocketChannel channel = null;
            try {
                channel = opener.open(target);
                Attempt attempt = new Attempt(channel, target);
                if (channel.connect(target)) {
                    SelectionKey key = loop.register(channel, 0, attempt);
                    win(attempt, key);
                    return;
                }
                attempt.key = loop.register(channel, SelectionKey.OP_CONNECT, attempt);
                pending.add(attempt);
                if (nextTarget < targets.size()) {
                    delayTimer = loop.schedule(attemptDelayMillis, this::startNext);
                }
                return;
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                recordFailure(e, target);
            }
        }
        failIfExhausted();
    }

    private void onConnectable(Attempt attempt) {
        try {
            if (attempt.channel.finishConnect()) {
                pending.remove(attempt);
                win(attempt, attempt.key);
            }
        } catch (IOException | RuntimeException e) {
            pending.remove(attempt);
            attempt.close();
            recordFailure(e, attempt.target);
            if (nextTarget < targets.size()) {
                startNext();
            } else {
                failIfExhausted();
            }
        }
    }

    private void win(Attempt winner, SelectionKey key) {
        finished = true;
        cancelTimer();
        for (Attempt other : pending) {
            other.close();
        }
        pending.clear();
        key.interestOps(0);
        outcome.connected(winner.channel, key);
    }

    private void failIfExhausted() {
        if (!finished && pending.isEmpty() && nextTarget >= targets.size()) {
            finished = true;
            outcome.failed(lastFailure, lastTarget);
        }
    }

    private void recordFailure(Exception failure, InetSocketAddress target) {
        lastFailure = failure;
        lastTarget = target;
    }

    private void cancelTimer() {
        if (delayTimer != null) {
            delayTimer.cancel();
            delayTimer = null;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    private final class Attempt implements ChannelHandler {
        final SocketChannel channel;
        final InetSocketAddress target;
        SelectionKey key;

        Attempt(SocketChannel channel, InetSocketAddress target) {
            this.channel = channel;
            this.target = target;
        }

        @Override
        public void onReady(SelectionKey readyKey) {
            if (!finished && readyKey.isValid() && readyKey.isConnectable()) {
                onConnectable(this);
            }
        }

        @Override
        public void onLoopShutdown() {
            finished = true;
        }

        void close() {
            closeQuietly(channel);
        }
    }
}
