package ipsocket.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, from Linux's {@code /proc/<pid>/net/tcp} and
 * {@code tcp6} matched against the socket inodes of {@code /proc/<pid>/fd}.
 */
final class ListeningSockets {
    /** TCP state LISTEN in /proc's tables. */
    private static final String LISTEN = "0A";
    /** ::1 in /proc's tcp6 notation (four 32-bit words, each little-endian). */
    private static final String IPV6_LOOPBACK = "00000000000000000000000001000000";
    /** The ::ffff:0:0/96 prefix of IPv4-mapped addresses, as an IPv6 socket bound to 127.0.0.1 shows. */
    private static final String IPV4_MAPPED = "0000000000000000FFFF0000";

    private ListeningSockets() {
    }

    /** @return whether /proc can tell (Linux) */
    static boolean available() {
        return Files.isDirectory(Path.of("/proc/self/net"));
    }

    /**
     * Lists the local addresses (as /proc writes them: hex address, colon, hex port) of every
     * TCP socket the process listens on.
     *
     * @param pid the process
     * @return one entry per listening socket, {@code tcp ADDRESS:PORT} or {@code tcp6 ADDRESS:PORT}
     * @throws IOException if /proc cannot be read
     */
    static List<String> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while listing
                }
            });
        }
        List<String> listening = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path path = Path.of("/proc/" + pid + "/net/" + table);
            if (!Files.exists(path)) {
                continue; // no IPv6 table when IPv6 is off
            }
            for (String line : Files.readAllLines(path)) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                String[] row = line.trim().split("\\s+");
                if (row.length >= 10 && LISTEN.equals(row[3]) && inodes.contains(row[9])) {
                    listening.add(table + " " + row[1]);
                }
            }
        }
        return listening;
    }

    /**
     * @param entry an entry of {@link #of(long)}
     * @return whether it is bound to 127.0.0.0/8 or ::1 (so not reachable from another host)
     */
    static boolean isLoopback(String entry) {
        String address = entry.substring(entry.indexOf(' ') + 1, entry.indexOf(':'));
        if (entry.startsWith("tcp6 ")) {
            return address.equals(IPV6_LOOPBACK) || (address.startsWith(IPV4_MAPPED) && address.endsWith("7F"));
        }
        return address.endsWith("7F"); // little-endian: the last byte written is the first octet
    }
}
