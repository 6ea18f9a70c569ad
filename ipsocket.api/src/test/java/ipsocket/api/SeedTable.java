package ipsocket.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the enumeration tables of the InCore seed page, {@code shared/spec/IpSocket.rst}. */
final class SeedTable {

    private static final Pattern ROW = Pattern.compile(
            "\\* - ``IpSocket\\.(\\w+)``\\s*\\n\\s*- ``(-?\\d+)``");

    private SeedTable() {
    }

    /** Finds the seed page beside the repository, as the workspace lays it out. */
    static Optional<Path> locate() {
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/spec/IpSocket.rst");
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Returns name to value of every row of the enumeration headed {@code enumName}. */
    static Map<String, Integer> enumeration(Path seed, String enumName) throws IOException {
        String text = Files.readString(seed);
        int start = text.indexOf(".. _enum_IpSocket_" + enumName + ":");
        if (start < 0) {
            throw new IllegalStateException("No enumeration " + enumName + " in " + seed);
        }
        int end = text.indexOf(".. _enum_IpSocket_", start + 1);
        String section = text.substring(start, end < 0 ? text.length() : end);
        Map<String, Integer> rows = new LinkedHashMap<>();
        Matcher matcher = ROW.matcher(section);
        while (matcher.find()) {
            rows.put(matcher.group(1), Integer.parseInt(matcher.group(2)));
        }
        return rows;
    }
}
