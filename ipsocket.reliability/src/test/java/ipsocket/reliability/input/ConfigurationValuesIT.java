package ipsocket.reliability.input;

import static ipsocket.impl.testing.Await.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketState;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.osgi.ConfigurationProblem;
import ipsocket.impl.osgi.ConfigurationReader;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.udp.UdpSocketImpl;
import ipsocket.reliability.kit.UncaughtExceptions;

/**
 * Bad configuration values for every key, at unit level (issue 8, bad input; the same in the
 * framework is ipsocket.itest's HugeConfigurationValuesIT): wrong types, out-of-range and
 * non-integral numbers, empty and blank text, NUL, 1 MiB of text and 64 KiB of digits, for
 * every property of both socket kinds. Each value is either valid for its key (any text is a
 * valid hostname) or refused with an {@link IllegalArgumentException} whose message starts
 * with the key, promptly; reading them all as one configuration ({@link ConfigurationReader})
 * and applying the settings leaves each bad key at its default and the socket still connects. The JSON entry point ({@code fromJson}) refuses
 * malformed and deeply nested text atomically.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConfigurationValuesIT {

    /** No single value may take longer than this to accept or refuse. */
    private static final long PROMPT_MILLIS = 1000;
    private static final int MIB = 1024 * 1024;

    /** Registered before the fixture, so it sees what escapes while the fixture releases the sockets. */
    @RegisterExtension
    @Order(1)
    final UncaughtExceptions uncaught = new UncaughtExceptions();

    @RegisterExtension
    @Order(2)
    final SocketFixture fixture = new SocketFixture();

    /** The bad values, by a short name for messages. */
    static Map<String, Object> badValues() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("Object", new Object());
        values.put("int[]", new int[] {1});
        values.put("List<Integer>", List.of(1));
        values.put("Double 1.5", 1.5);
        values.put("Double NaN", Double.NaN);
        values.put("Long.MAX_VALUE", Long.MAX_VALUE);
        values.put("\"1e2147483647\"", "1e2147483647");
        values.put("empty", "");
        values.put("blank", "   ");
        values.put("NUL", "\0");
        values.put("1 MiB of text", "x".repeat(MIB));
        values.put("64 KiB of digits", "9".repeat(64 * 1024));
        // issue 14: text that only looks like an integer, and hostnames that are no host
        values.put("\"1e3\"", "1e3");
        values.put("\"5020.0\"", "5020.0");
        values.put("Arabic-Indic digits", "\u0665\u0660\u0662\u0660");
        values.put("Arabic-Indic 2", "\u0662");
        values.put("\"http://x\"", "http://x");
        values.put("\"plc 1\"", "plc 1");
        return values;
    }

    /** Whether a value is valid for a property: the oracle, from the documented key types. */
    static boolean valid(PropertyDef<?> definition, Object value) {
        if (!(value instanceof String)) {
            return false; // no key takes an Object, an array, a non-integral or a 64-bit number
        }
        String text = (String) value;
        if (definition == SocketProperties.HOSTNAME || definition == SocketProperties.MULTICAST_INTERFACE
                || definition == SocketProperties.PARENT) {
            return text.trim().length() <= 255; // any text up to the longest DNS name; checked when connecting
        }
        if (definition == SocketProperties.LOCAL_ADDRESS) {
            return text.trim().isEmpty(); // empty = any address (String.trim() also strips NUL)
        }
        if (definition == SocketProperties.MULTICAST_GROUPS) {
            return text.isBlank(); // no group; NUL is not blank, and '' is no group address
        }
        return false;
    }

    /**
     * Whether a value is valid for a property in a configuration, which also checks what a
     * hostname can be (issue 14: no spaces, no URL; checked by the configuration reader, not by
     * the conversion the API's setters share).
     */
    static boolean validInConfiguration(PropertyDef<?> definition, Object value) {
        if (definition == SocketProperties.HOSTNAME && value instanceof String) {
            String text = ((String) value).trim();
            if (text.contains("://") || text.chars().anyMatch(Character::isWhitespace)) {
                return false;
            }
        }
        return valid(definition, value);
    }

    static List<PropertyDef<?>> everyProperty() {
        Set<PropertyDef<?>> all = new LinkedHashSet<>(SocketProperties.TCP);
        all.addAll(SocketProperties.UDP);
        return new ArrayList<>(all);
    }

    @Test
    void everyKeyRefusesBadValuesPromptlyNamingTheKey() {
        List<String> problems = new ArrayList<>();
        int refused = 0;
        int accepted = 0;
        long slowest = 0;
        String slowestCase = "";
        int longestMessage = 0;
        for (PropertyDef<?> definition : everyProperty()) {
            for (Map.Entry<String, Object> bad : badValues().entrySet()) {
                String what = definition.name() + " = " + bad.getKey();
                long started = System.nanoTime();
                String message = null;
                try {
                    definition.convert(bad.getValue());
                } catch (IllegalArgumentException e) {
                    message = String.valueOf(e.getMessage());
                } catch (RuntimeException | Error e) {
                    problems.add(what + ": threw " + e);
                    continue;
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                if (millis > slowest) {
                    slowest = millis;
                    slowestCase = what;
                }
                if (millis > PROMPT_MILLIS) {
                    problems.add(what + ": took " + millis + " ms");
                }
                boolean shouldPass = valid(definition, bad.getValue());
                if (message == null) {
                    accepted++;
                    if (!shouldPass) {
                        problems.add(what + ": accepted");
                    }
                } else {
                    refused++;
                    longestMessage = Math.max(longestMessage, message.length());
                    if (shouldPass) {
                        problems.add(what + ": refused: " + abbreviate(message));
                    } else if (!message.startsWith(definition.name())) {
                        problems.add(what + ": message does not start with the key: " + abbreviate(message));
                    }
                }
            }
        }
        System.out.printf("FIGURES bad-config-unit keys=%d valuesPerKey=%d refused=%d accepted=%d slowest=%dms (%s)"
                + " longestMessage=%d chars%n", everyProperty().size(), badValues().size(), refused, accepted,
                slowest, slowestCase, longestMessage);
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n  " + String.join("\n  ", problems));
    }

    @Test
    void aConfigurationOfBadValuesLeavesDefaultsAndTheSocketStillConnects() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        for (boolean tcp : new boolean[] {true, false}) {
            AbstractIpSocket socket = tcp ? new TcpSocketImpl(fixture.loops(), "bad-config-tcp")
                    : new UdpSocketImpl(fixture.loops(), "bad-config-udp");
            fixture.disposeAfterTest(socket);
            List<PropertyDef<?>> definitions = tcp ? SocketProperties.TCP : SocketProperties.UDP;
            for (Map.Entry<String, Object> bad : badValues().entrySet()) {
                Map<String, Object> configuration = new LinkedHashMap<>();
                int expectedProblems = 0;
                for (PropertyDef<?> definition : definitions) {
                    configuration.put(definition.name(), bad.getValue());
                    expectedProblems += validInConfiguration(definition, bad.getValue()) ? 0 : 1;
                }
                configuration.put(SocketProperties.AUTO_CONNECT.name(), false);
                List<ConfigurationProblem> problems = apply(socket, definitions, configuration);
                assertEquals(expectedProblems - 1, problems.size(), bad.getKey() + ": problems " + names(problems));
                Map<String, Object> now = socket.serializeProperties();
                for (ConfigurationProblem problem : problems) {
                    Object expected = PropertyValues.plain(socket.props().definition(problem.key()).defaultValue());
                    Object actual = now.get(problem.key());
                    assertTrue(java.util.Objects.deepEquals(expected, actual), problem.key()
                            + " back at its default after " + bad.getKey() + ": " + actual);
                }
            }
            // Still a working socket: a good configuration connects (TCP) or binds (UDP).
            SocketProbe probe = new SocketProbe();
            socket.addListener(probe);
            Map<String, Object> good = new LinkedHashMap<>();
            good.put(SocketProperties.HOSTNAME.name(), "127.0.0.1");
            good.put(SocketProperties.PORT.name(), tcp ? server.port() : TestServer.freePort());
            good.put(SocketProperties.AUTO_CONNECT.name(), true);
            assertTrue(apply(socket, definitions, good).isEmpty());
            probe.await(() -> socket.getState() == SocketState.CONNECTED, WAIT,
                    "a good configuration connects after the bad ones");
        }
    }

    /** What a socket component does with a configuration: read it, apply the settings. */
    private static List<ConfigurationProblem> apply(AbstractIpSocket socket, List<PropertyDef<?>> definitions,
            Map<String, Object> configuration) {
        ConfigurationReader.Reading reading = ConfigurationReader.read(definitions, configuration);
        socket.applySettings(reading.settings());
        return reading.problems();
    }

    private static List<String> names(List<ConfigurationProblem> problems) {
        return problems.stream().map(ConfigurationProblem::key).toList();
    }

    @Test
    void malformedJsonIsRefusedAtomically() {
        TcpSocketImpl socket = fixture.disposeAfterTest(new TcpSocketImpl(fixture.loops(), "json"));
        socket.setAutoConnect(false);
        socket.setPort(502);
        Await.until(() -> socket.toJson().contains("\"port\":502"), WAIT, () -> "port 502 stored");
        String before = socket.toJson();
        List<String> malformed = List.of("", "not json", "[1,2]", "42", "{\"port\": {}}", "{\"localPort\": 70000}",
                "{\"port\": 503, \"keepAlive\": \"maybe\"}", "{\"port\": 1e2147483647}",
                "[".repeat(100_000), "{\"a\":".repeat(100_000), "{\"port\": \"" + "9".repeat(64 * 1024) + "\"}",
                "{\"hostname\": " + "[".repeat(10_000) + "}");
        for (String json : malformed) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> socket.fromJson(json), () -> "fromJson(" + abbreviate(json) + ")");
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank());
        }
        socket.fromJson("{\"unknownKey\": [1, {\"x\": 2}], \"port\": 504}"); // unknown members are ignored
        Await.until(() -> socket.getPort() == 504, WAIT, () -> "port 504");
        assertEquals(before.replace("\"port\":502", "\"port\":504"), socket.toJson(),
                "nothing else changed by the refused documents");
    }

    // ---- known bugs ---------------------------------------------------------------------

    /**
     * Fixed bug (see docs/SECURITY.md): the IPv6 literal check once backtracked quadratically,
     * so a long run of ':' took seconds to refuse; it is linear and length-capped now.
     */
    @Test
    void aLongRunOfColonsIsRefusedPromptly() {
        String hostile = ":".repeat(30_000) + "x";
        long started = System.nanoTime();
        assertThrows(IllegalArgumentException.class, () -> SocketProperties.LOCAL_ADDRESS.convert(hostile));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < PROMPT_MILLIS, "refusing a localAddress of 30,001 characters took " + millis + " ms");
    }

    /**
     * Fixed bug (see docs/SECURITY.md): the literal check runs on the shared I/O thread when a
     * socket connects, so a slow check for one hostile hostname once stalled every other socket
     * of the loop.
     */
    @Test
    void aHostileHostnameDoesNotStallOtherSocketsOfTheLoop() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl healthy = new TcpSocketImpl(fixture.loops(), "healthy");
        TcpSocketImpl hostile = new TcpSocketImpl(fixture.loops(), "hostile");
        fixture.disposeAfterTest(healthy);
        fixture.disposeAfterTest(hostile);
        healthy.setAutoConnect(false);
        hostile.setAutoConnect(false);
        SocketProbe probe = new SocketProbe();
        healthy.addListener(probe);
        healthy.connectToHost("127.0.0.1", server.port());
        probe.awaitConnected(WAIT);

        assertThrows(IllegalArgumentException.class, () -> hostile.connectToHost(":".repeat(30_000) + "x", 502),
                "a hostname longer than any DNS name is refused at once");
        hostile.connectToHost(":".repeat(250) + "x", 502); // as long as allowed: no literal, looked up
        long started = System.nanoTime();
        healthy.write("ping\n");
        probe.await(healthy::canReadLine, WAIT, "the echo");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < PROMPT_MILLIS, "an echo on another socket of the loop took " + millis + " ms");
    }

    /**
     * Fixed bug (see docs/SECURITY.md): integer keys once parsed any digit string with
     * BigDecimal, 1 MiB of digits taking about 15 s; longer than 40 characters is refused at once.
     */
    @Test
    void aMebibyteOfDigitsIsRefusedPromptly() {
        String digits = "9".repeat(MIB);
        long started = System.nanoTime();
        assertThrows(IllegalArgumentException.class, () -> SocketProperties.PORT.convert(digits));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < PROMPT_MILLIS, "refusing port = 1 MiB of digits took " + millis + " ms");
    }

    /**
     * Fixed bug (see docs/SECURITY.md): problem messages (warnings, errorString, events) once
     * quoted the whole bad value, so one 1 MiB value became a 1 MiB log line and event.
     */
    @Test
    void problemMessagesQuoteBadValuesAbbreviated() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> SocketProperties.KEEP_ALIVE.convert("x".repeat(MIB)));
        assertTrue(refused.getMessage().length() <= 1024, "message of " + refused.getMessage().length() + " chars");
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "... (" + text.length() + " chars)";
    }
}
