package ipsocket.bench.events;

/** What one variant did over the rounds of a run. */
final class Sample {
    long bytes;
    long wallNanos;
    long cpuNanos;
    long loopNanos;
    long eaNanos;
    long readyRead;
    long dataEvents;
    long dataBytes;
    long otherEvents;
    long eventWallNanos;
    long lagNanos;
    int transfers;

    long events() {
        return readyRead + dataEvents + otherEvents;
    }

    double mbps() {
        return bytes / 1e6 / (wallNanos / 1e9);
    }

    double cpuUsPerMb() {
        return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e3 / (bytes / 1e6);
    }

    double perMb(long nanos) {
        return nanos / 1e3 / (bytes / 1e6);
    }
}
