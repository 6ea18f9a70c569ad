package ipsocket.impl.loop;

import java.nio.channels.SelectionKey;

/**
 * Reacts to readiness of one channel registered with an {@link EventLoop}; called only on that
 * loop's thread.
 */
public interface ChannelHandler {

    /**
     * Called when the channel is ready for the operations in {@code key.readyOps()}.
     *
     * @param key the channel's selection key
     */
    void onReady(SelectionKey key);

    /**
     * Called once when the loop shuts down while the channel is still registered; the handler
     * releases what it holds. The loop closes the channel afterwards.
     */
    void onLoopShutdown();
}
