package ipsocket.bench;

import java.net.InetSocketAddress;

import ipsocket.bench.client.Client;

/**
 * The warm-up before a memory baseline of conn-scale and server-scale: the same work at the
 * same scale first, so that what the first N connections leave behind for good is not counted
 * as memory per connection: JIT-compiled paths, started threads, allocator arenas, and tables
 * grown to N entries (a selector's key map, a server's connection map) that keep their size.
 */
final class ScaleWarmUp {
    /** Size of the rounds after the first. */
    private static final int ROUND = 500;

    private ScaleWarmUp() {
    }

    /**
     * One round with all N connections, then rounds of up to 500 until at least three rounds
     * ran and the warm-up time is over; each round connects, echoes one byte on each and closes.
     *
     * @param client the client that connects
     * @param address where
     * @param n connections of the measurement
     * @param warmupSecs the least warm-up time
     * @param what the mode, for timeout messages
     * @throws Exception if a round fails or times out
     */
    static void run(Client client, InetSocketAddress address, int n, double warmupSecs, String what) throws Exception {
        long warmEnd = System.nanoTime() + (long) (warmupSecs * 1e9);
        for (int round = 0; round < 3 || System.nanoTime() - warmEnd < 0; round++) {
            int size = round == 0 ? n : Math.min(n, ROUND);
            try (Client.Connections c = client.connect(address, size, Deadline.in(30_000 + size * 10L, what + " warm-up"))) {
                c.echoAll(Deadline.in(30_000 + size * 10L, what + " warm-up echo"));
            }
        }
    }
}
