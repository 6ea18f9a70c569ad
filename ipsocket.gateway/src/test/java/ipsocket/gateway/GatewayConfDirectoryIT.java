package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway applies its configuration directory reliably however many files arrive at once
 * (issue 14): 2,000 UDP socket files moved into {@code --conf} together all become bound
 * sockets, and deleting them all together removes every one. With FileInstall's NIO2 watcher
 * (its default) 600 files at once gave no socket at all: the JDK's watch key overflows at 512
 * pending events and FileInstall ignores the overflow (cnf/gateway.bndrun).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayConfDirectoryIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final int FILES = 2000;

    @TempDir
    Path work;

    private Path console;
    private Path events;
    private Process gateway;

    @AfterEach
    void stop() throws Exception {
        GatewayProcesses.stop(gateway, List.of());
    }

    @Test
    void twoThousandFilesDroppedAndDeletedAtOnceAllApply() throws Exception {
        Path conf = Files.createDirectories(work.resolve("conf"));
        Path stage = Files.createDirectories(work.resolve("stage"));
        events = work.resolve("events.jsonl");
        console = work.resolve("console.txt");
        ProcessBuilder builder = new ProcessBuilder("bash", System.getProperty("ipsocket.gateway.script"),
                "--no-shell", "--conf", conf.toString(), "--deploy",
                Files.createDirectories(work.resolve("deploy")).toString(), "--events", events.toString(), "--log",
                work.resolve("gateway.log").toString());
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        builder.redirectErrorStream(true).redirectOutput(console.toFile());
        gateway = builder.start();
        // A first file, and its socket bound: FileInstall watches the directory now (files present
        // before its first scan would be read by that scan, not by the watcher under test).
        GatewayFiles.writeConfig(conf, "ipsocket.UdpSocket-probe.cfg", "objectId = probe\nlocalAddress = 127.0.0.1\n"
                + "localPort = 0\n");
        GatewayProcesses.await(gateway, DEADLINE, console,
                () -> objectIds("STATE_CHANGED", "Bound").contains("probe"), "the probe socket bound");

        List<Path> staged = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            staged.add(Files.writeString(stage.resolve("ipsocket.UdpSocket-u" + i + ".cfg"), "objectId = u" + i
                    + "\nlocalAddress = 127.0.0.1\nlocalPort = 0\n"));
        }
        List<Path> dropped = new ArrayList<>();
        for (Path file : staged) { // as fast as renames go: far more than 512 events per poll
            dropped.add(Files.move(file, conf.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE));
        }
        GatewayProcesses.await(gateway, DEADLINE, console,
                () -> objectIds("STATE_CHANGED", "Bound").size() == FILES + 1, "all " + FILES + " sockets bound");

        for (Path file : dropped) {
            Files.delete(file);
        }
        GatewayProcesses.await(gateway, DEADLINE, console, () -> objectIds("DISCONNECTED", null).size() == FILES,
                "all " + FILES + " sockets removed");
        assertEquals(FILES + 1, objectIds("STATE_CHANGED", "Bound").size(), "no other socket appeared");
    }

    /** The objectIds {@code u<n>} of the UDP events of one kind (and state) in the events file so far. */
    private Set<String> objectIds(String event, String state) {
        Set<String> ids = new TreeSet<>();
        try (Stream<String> lines = Files.lines(events)) {
            lines.filter(line -> line.contains("ipsocket/UdpSocket/" + event)).forEach(line -> {
                JsonObject json;
                try {
                    json = JsonParser.parseString(line).getAsJsonObject();
                } catch (RuntimeException halfWritten) {
                    return; // the last line, being written
                }
                String id = json.get("objectId").getAsString();
                if ((state == null || state.equals(json.get("state").getAsString()))
                        && (id.equals("probe") || id.startsWith("u"))) {
                    ids.add(id);
                }
            });
        } catch (NoSuchFileException notYet) {
            return ids;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }
}
