package ipsocket.impl.osgi;

import java.util.List;
import java.util.Locale;

import ipsocket.impl.common.PropertyDef;

/** The hint for an unknown configuration key: the defined key it most likely misspells. */
final class UnknownKeys {
    /** Most edits (insert, delete, replace, swap of neighbours) between a misspelling and its key. */
    private static final int MAX_EDITS = 2;

    private UnknownKeys() {
    }

    /**
     * Returns a hint naming the key an unknown one probably means, such as {@code hostname} for
     * {@code hostnmae} or {@code lowDelay} for {@code lowdelay}.
     *
     * @param unknown the unknown key
     * @param definitions the keys of the socket's kind
     * @return {@code " (did you mean KEY?)"}, or empty text when no key is close
     */
    static String suggestion(String unknown, List<PropertyDef<?>> definitions) {
        String wanted = unknown.trim().toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = MAX_EDITS + 1;
        for (PropertyDef<?> definition : definitions) {
            int distance = distance(wanted, definition.name().toLowerCase(Locale.ROOT), bestDistance);
            if (distance < bestDistance) {
                best = definition.name();
                bestDistance = distance;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    /** Optimal string alignment distance, or {@code limit} when it is {@code limit} or more. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit || a.length() > 64) {
            return limit;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return Math.min(d[a.length()][b.length()], limit);
    }
}
