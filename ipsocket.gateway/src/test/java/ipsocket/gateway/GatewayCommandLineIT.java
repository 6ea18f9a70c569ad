package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        return gateway(Map.of(), arguments);
    }

    /** Runs the script with IPSOCKET_WEB_PASSWORD removed from its environment, then {@code environment} added. */
    private static Run gateway(Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", System.getProperty("ipsocket.gateway.script")));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("IPSOCKET_WEB_PASSWORD");
        builder.environment().putAll(environment);
        Process process = builder.start();
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
                "--web PORT", "--web-password-file FILE", "IPSOCKET_WEB_PASSWORD", "--help")) {
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

    /**
     * {@code --web} has no default password: without one, with one too short (the Web Console's
     * old admin), with an unreadable file or a bad port, the script refuses to start (status 2)
     * and says why; no JVM starts.
     */
    @Test
    void webWithoutAGoodPasswordRefusesToStart() throws Exception {
        Path conf = Files.createDirectories(work.resolve("conf"));
        Run none = gateway("--no-shell", "--conf", conf.toString(), "--web", "18080");
        assertEquals(2, none.status(), none.output());
        assertTrue(none.output().contains("--web needs a password: --web-password-file FILE or the environment"
                + " variable IPSOCKET_WEB_PASSWORD (there is no default password)"), none.output());

        Path shortPassword = Files.writeString(work.resolve("short"), "admin\n");
        Run tooShort = gateway("--no-shell", "--conf", conf.toString(), "--web", "18080", "--web-password-file",
                shortPassword.toString());
        assertEquals(2, tooShort.status(), tooShort.output());
        assertTrue(tooShort.output().contains("password must have at least 8 characters"), tooShort.output());

        Run shortInEnvironment = gateway(Map.of("IPSOCKET_WEB_PASSWORD", "admin"), "--no-shell", "--conf",
                conf.toString(), "--web", "18080");
        assertEquals(2, shortInEnvironment.status(), shortInEnvironment.output());
        assertTrue(shortInEnvironment.output().contains("at least 8 characters"), shortInEnvironment.output());

        Path absent = work.resolve("no-such-file");
        Run unreadable = gateway("--no-shell", "--conf", conf.toString(), "--web", "18080", "--web-password-file",
                absent.toString());
        assertEquals(2, unreadable.status(), unreadable.output());
        assertTrue(unreadable.output().contains("cannot read the password file '" + absent + "'"), unreadable.output());

        Run badPort = gateway(Map.of("IPSOCKET_WEB_PASSWORD", "long-enough-secret"), "--no-shell", "--conf",
                conf.toString(), "--web", "http");
        assertEquals(2, badPort.status(), badPort.output());
        assertTrue(badPort.output().contains("--web needs a TCP port number, not 'http'"), badPort.output());

        Run fileWithoutWeb = gateway("--no-shell", "--conf", conf.toString(), "--web-password-file",
                shortPassword.toString());
        assertEquals(2, fileWithoutWeb.status(), fileWithoutWeb.output());
        assertTrue(fileWithoutWeb.output().contains("--web-password-file is only for --web PORT"),
                fileWithoutWeb.output());
    }
}
