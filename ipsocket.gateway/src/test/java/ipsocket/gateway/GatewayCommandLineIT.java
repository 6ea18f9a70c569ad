package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./gateway} command line (CONTRACT.md §4): {@code --help} names every option and
 * exits 0; an unknown option, an option without its value and a missing configuration
 * directory each exit 2 with a message that says what is wrong. None of these starts a JVM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayCommandLineIT {

    @TempDir
    Path work;

    /** What one run of the script printed and how it ended. */
    private record Run(int status, String output) {
    }

    private static Run gateway(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", System.getProperty("ipsocket.gateway.script")));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the script ends");
        return new Run(process.exitValue(), output);
    }

    @Test
    void helpNamesEveryOptionAndExitsZero() throws Exception {
        Run run = gateway("--help");
        assertEquals(0, run.status(), run.output());
        for (String option : List.of("--conf DIR", "--deploy DIR", "--events FILE", "--log FILE", "--no-shell",
                "--help")) {
            assertTrue(run.output().contains(option), "help names " + option + ":\n" + run.output());
        }
    }

    @Test
    void badCommandLinesExitTwoAndSayWhy() throws Exception {
        Run unknown = gateway("--shell");
        assertEquals(2, unknown.status(), unknown.output());
        assertTrue(unknown.output().contains("unknown option '--shell'"), unknown.output());

        for (String option : List.of("--conf", "--deploy", "--events")) {
            Run missing = gateway(option);
            assertEquals(2, missing.status(), missing.output());
            assertTrue(missing.output().contains("option " + option + " needs a value"), missing.output());
        }
        Run followedByOption = gateway("--events", "--no-shell");
        assertEquals(2, followedByOption.status(), followedByOption.output());
        assertTrue(followedByOption.output().contains("option --events needs a value"), followedByOption.output());

        Path absent = work.resolve("absent");
        Run noDirectory = gateway("--no-shell", "--conf", absent.toString());
        assertEquals(2, noDirectory.status(), noDirectory.output());
        assertTrue(noDirectory.output().contains("configuration directory '" + absent + "' does not exist"),
                noDirectory.output());
    }
}
