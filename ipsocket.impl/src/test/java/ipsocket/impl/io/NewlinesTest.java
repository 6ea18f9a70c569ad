package ipsocket.impl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class NewlinesTest {

    private static int naive(byte[] data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Every window of arrays that hold at most one line feed, among bytes close to it in value. */
    @Test
    void findsTheFirstLineFeedInEveryWindow() {
        byte[] neighbours = {0x00, 0x09, 0x0B, 0x0E, (byte) 0x8A, (byte) 0xFF, 0x01, 0x7F, 'x'};
        for (int length = 0; length <= 24; length++) {
            for (int newlineAt = -1; newlineAt < length; newlineAt++) {
                for (byte filler : neighbours) {
                    byte[] data = new byte[length];
                    java.util.Arrays.fill(data, filler);
                    if (newlineAt >= 0) {
                        data[newlineAt] = '\n';
                    }
                    for (int from = 0; from <= length; from++) {
                        for (int to = from; to <= length; to++) {
                            assertEquals(naive(data, from, to), Newlines.indexOf(data, from, to),
                                    "length " + length + " newline at " + newlineAt + " filler " + filler
                                            + " window [" + from + "," + to + ")");
                        }
                    }
                }
            }
        }
    }

    /** Random bytes (all 256 values) with several line feeds, random windows. */
    @Test
    void agreesWithAByteLoopOnRandomData() {
        SplittableRandom random = new SplittableRandom(20261128);
        for (int round = 0; round < 20_000; round++) {
            byte[] data = new byte[random.nextInt(1, 200)];
            random.nextBytes(data);
            for (int i = random.nextInt(0, 3); i > 0; i--) {
                data[random.nextInt(data.length)] = '\n';
            }
            int from = random.nextInt(data.length + 1);
            int to = random.nextInt(from, data.length + 1);
            assertEquals(naive(data, from, to), Newlines.indexOf(data, from, to), "round " + round);
        }
    }
}
