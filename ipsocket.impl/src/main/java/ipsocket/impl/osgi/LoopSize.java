package ipsocket.impl.osgi;

/**
 * The event loop size in force, registered by {@link EventLoopConfigurator} as a service of this
 * bundle only. {@link SocketRuntime} holds it through a static reference: a new size is a new
 * registration, so the runtime (and every socket on it) restarts only when the size changes.
 */
final class LoopSize {
    private final int ioThreads;

    /**
     * Creates the value.
     *
     * @param ioThreads the number of I/O threads, 1 to 64
     */
    LoopSize(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    /**
     * Returns the number of I/O threads.
     *
     * @return 1 to 64
     */
    int ioThreads() {
        return ioThreads;
    }
}
