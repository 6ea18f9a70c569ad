package ipsocket.impl.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import ipsocket.impl.loop.ChannelHandler;
import ipsocket.impl.loop.EventLoop;
import ipsocket.impl.loop.Timer;

/**
 * The end of a TCP connection after its socket is already Disconnected: sends FIN, reads and
 * drops what the peer still sends until the peer's FIN (or a time limit), then closes.
 *
 * <p>Why not close at once: closing a socket whose receive queue holds unread bytes makes Linux
 * send a reset instead of FIN, and a reset makes the peer's kernel discard what the peer has not
 * read yet of what we sent. Why not keep the socket in Closing meanwhile: Qt (and the seed)
 * reach Disconnected as soon as every written byte is with the OS, and a peer that keeps its
 * side open must not hold the socket's state or a new connectToHost() up. So the channel leaves
 * the socket and ends here, on the same loop, without a thread.
 */
final class LingeringClose implements ChannelHandler {
    /** Reads per readiness event, so a flooding peer cannot hold the loop. */
    private static final int READS_PER_EVENT = 16;

    private final EventLoop loop;
    private final SocketChannel channel;
    private final SelectionKey key;
    private Timer deadline;

    private LingeringClose(EventLoop loop, SocketChannel channel, SelectionKey key) {
        this.loop = loop;
        this.channel = channel;
        this.key = key;
    }

    /**
     * Takes a connected channel over from its socket and ends it; call on the loop thread.
     *
     * @param loop the channel's loop
     * @param channel the channel, with every accepted byte handed to the OS
     * @param key its selection key on {@code loop}
     * @param limitMillis how long the peer may take to close its side
     */
    static void start(EventLoop loop, SocketChannel channel, SelectionKey key, long limitMillis) {
        LingeringClose close = new LingeringClose(loop, channel, key);
        try {
            channel.shutdownOutput();
            key.attach(close);
            key.interestOps(SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            close.finish(); // the connection is gone already: nothing to protect
            return;
        }
        close.deadline = loop.schedule(limitMillis, close::finish);
    }

    @Override
    public void onReady(SelectionKey readyKey) {
        ByteBuffer buffer = loop.sharedReadBuffer();
        try {
            for (int reads = 0; reads < READS_PER_EVENT; reads++) {
                buffer.clear();
                int count = channel.read(buffer);
                if (count < 0) {
                    finish(); // the peer's FIN answers ours
                    return;
                }
                if (count == 0) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            finish();
        } finally {
            buffer.clear();
        }
    }

    @Override
    public void onLoopShutdown() {
        if (deadline != null) {
            deadline.cancel();
        }
    }

    private void finish() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
        if (channel.isOpen()) {
            loop.close(key, channel);
        }
    }
}
