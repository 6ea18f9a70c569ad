package ipsocket.bench.client;

/** Sizing of latency sample arrays. */
final class Latency {
    private Latency() {
    }

    /** Room for the samples of a run of {@code nanos}, assuming no round trip under 2 µs. */
    static int capacity(long nanos) {
        return (int) Math.min(4_000_000, Math.max(1024, nanos / 2_000));
    }
}
