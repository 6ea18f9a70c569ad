package ipsocket.bench.client;

/**
 * The client's side of tcp-pingpong whatever the library: the clock, how much of the message has
 * come back, and the round-trip samples. The library's callbacks only read and write bytes.
 */
final class PingPong {
    /** What {@link #arrived} says: wait for the rest of the message. */
    static final int WAIT = 0;
    /** What {@link #arrived} says: the message is back, send the next one. */
    static final int SEND = 1;
    /** What {@link #arrived} says: the run is over, {@link #latencies()} holds it. */
    static final int DONE = 2;

    private final int msg;
    private final long nanos;
    private final long[] samples;
    private int count;
    private int received;
    private long start;
    private long end;
    private long sentAt;
    private long elapsed;

    /**
     * @param msg the message size in bytes
     * @param nanos how long the run lasts
     */
    PingPong(int msg, long nanos) {
        this.msg = msg;
        this.nanos = nanos;
        this.samples = new long[Latency.capacity(nanos)];
    }

    /** The connection is up: the clock starts as the caller sends the first message. */
    void start() {
        start = System.nanoTime();
        end = start + nanos;
        sentAt = start;
    }

    /**
     * Counts bytes that came back.
     *
     * @param bytes how many arrived
     * @return {@link #WAIT}, {@link #SEND} or {@link #DONE}
     */
    int arrived(int bytes) {
        received += bytes;
        if (received < msg) {
            return WAIT;
        }
        received -= msg;
        long now = System.nanoTime();
        samples[count++] = now - sentAt;
        if (now - end >= 0 || count == samples.length) {
            elapsed = now - start;
            return DONE;
        }
        sentAt = now;
        return SEND;
    }

    /**
     * Returns the run's samples, once {@link #arrived} said {@link #DONE}.
     *
     * @return the latencies
     */
    Client.Latencies latencies() {
        return new Client.Latencies(samples, count, elapsed);
    }
}
