package ipsocket.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ipsocket.api.NetworkProtocol;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.common.SocketSettings;

/** A configuration map becomes settings: typed or String values, defaults for absent and bad ones. */
class ConfigurationReaderTest {

    @Test
    void stringsAndTypedValuesGiveTheSameSettings() {
        ConfigurationReader.Reading fromStrings = ConfigurationReader.read(SocketProperties.UDP, Map.of(
                "port", "502", "protocol", "IPv6Protocol", "keepAlive", "true", "multicastGroups", "239.1.1.1, ff02::1"));
        ConfigurationReader.Reading typed = ConfigurationReader.read(SocketProperties.UDP, Map.of(
                "port", 502, "protocol", 1, "keepAlive", true, "multicastGroups", new String[] {"239.1.1.1", "ff02::1"}));
        assertEquals(List.of(), fromStrings.problems());
        assertEquals(fromStrings.settings(), typed.settings());
        SocketSettings settings = typed.settings();
        assertEquals(502, settings.get(SocketProperties.PORT));
        assertEquals(NetworkProtocol.IPV6_PROTOCOL, settings.get(SocketProperties.PROTOCOL));
        assertEquals(List.of("239.1.1.1", "ff02::1"), settings.get(SocketProperties.MULTICAST_GROUPS));
    }

    @Test
    void absentAndBadValuesKeepTheDefaultAndBadOnesAreProblems() {
        ConfigurationReader.Reading reading = ConfigurationReader.read(SocketProperties.TCP, Map.of(
                "typeOfService", 256, "lowDelay", "yes", "hostname", "plc1", "service.pid", "ipsocket.TcpSocket~x",
                "multicastGroups", "not for TCP"));
        assertEquals(List.of(new ConfigurationProblem("lowDelay", "yes",
                        "lowDelay has a value of type String ('yes'): expected true or false"),
                new ConfigurationProblem("typeOfService", 256, "typeOfService 256 is out of range: expected 0 to 255")),
                reading.problems(), "in definition order");
        SocketSettings settings = reading.settings();
        assertEquals(0, settings.get(SocketProperties.TYPE_OF_SERVICE));
        assertEquals(false, settings.get(SocketProperties.LOW_DELAY));
        assertEquals("plc1", settings.get(SocketProperties.HOSTNAME));
        assertEquals(SocketSettings.defaults(SocketProperties.TCP).toMap().keySet(), settings.toMap().keySet());
    }

    @Test
    void settingsHoldOnlyCheckedValuesOfTheirKind() {
        SocketSettings.Builder builder = SocketSettings.builder(SocketProperties.TCP);
        IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class,
                () -> builder.set(SocketProperties.TYPE_OF_SERVICE, 300));
        assertTrue(outOfRange.getMessage().startsWith("typeOfService 300"), outOfRange.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.set(SocketProperties.BROADCAST, true));
        assertThrows(IllegalArgumentException.class,
                () -> SocketSettings.defaults(SocketProperties.TCP).get(SocketProperties.BROADCAST));
        assertEquals(SocketSettings.defaults(SocketProperties.TCP), builder.build());
    }

    /** Issue 14: hostnames that cannot name a host are refused before DNS, naming key and value. */
    @Test
    void hostnamesWithSpacesOrUrlsAreRefused() {
        for (String bad : List.of("http://plc1", "plc 1", "plc1/path", "plc1\tx", "user@plc1")) {
            ConfigurationReader.Reading reading = ConfigurationReader.read(SocketProperties.TCP, Map.of("hostname", bad));
            assertEquals(1, reading.problems().size(), bad);
            ConfigurationProblem problem = reading.problems().get(0);
            assertEquals("hostname", problem.key());
            assertTrue(problem.message().startsWith("hostname '"), problem.message());
            assertTrue(problem.message().contains("is not a host name or IP address"), problem.message());
            assertEquals("", reading.settings().get(SocketProperties.HOSTNAME));
        }
        for (String good : List.of("plc1.local", "10.0.0.1", "fe80::1%eth0", "::1", " padded.example ")) {
            assertEquals(List.of(), ConfigurationReader.read(SocketProperties.TCP, Map.of("hostname", good)).problems(),
                    good);
        }
    }

    /** Issue 14: the reconnect bounds are checked together; both keep their defaults when crossed. */
    @Test
    void reconnectMinimumAboveMaximumIsRefusedNamingBoth() {
        ConfigurationReader.Reading reading = ConfigurationReader.read(SocketProperties.TCP,
                Map.of("reconnectMinInterval", "9000", "reconnectMaxInterval", 5000));
        assertEquals(1, reading.problems().size());
        ConfigurationProblem problem = reading.problems().get(0);
        assertEquals("reconnectMinInterval", problem.key());
        assertTrue(problem.message().startsWith("reconnectMinInterval 9000 is greater than reconnectMaxInterval 5000"),
                problem.message());
        assertEquals(1000, reading.settings().get(SocketProperties.RECONNECT_MIN_INTERVAL));
        assertEquals(60_000, reading.settings().get(SocketProperties.RECONNECT_MAX_INTERVAL));

        ConfigurationReader.Reading onlyMaximum = ConfigurationReader.read(SocketProperties.UDP,
                Map.of("reconnectMaxInterval", "500"));
        assertEquals("reconnectMaxInterval", onlyMaximum.problems().get(0).key());
        assertTrue(onlyMaximum.problems().get(0).message().contains("reconnectMinInterval 1000 (default)"),
                onlyMaximum.problems().get(0).message());

        assertEquals(List.of(), ConfigurationReader.read(SocketProperties.TCP,
                Map.of("reconnectMinInterval", 100, "reconnectMaxInterval", 100)).problems());
        ConfigurationReader.Reading badMinimum = ConfigurationReader.read(SocketProperties.TCP,
                Map.of("reconnectMinInterval", -1, "reconnectMaxInterval", 500));
        assertEquals(List.of("reconnectMinInterval"), badMinimum.problems().stream().map(ConfigurationProblem::key)
                .toList(), "a bad bound is reported once, not again as crossed");
    }

    /** Issue 14: unknown keys are listed, standard and private keys are not. */
    @Test
    void unknownKeysAreListedStandardAndPrivateOnesAreNot() {
        ConfigurationReader.Reading reading = ConfigurationReader.read(SocketProperties.TCP, Map.of(
                "hostnmae", "plc1", "lowdelay", "true", "multicastGroups", "239.1.1.1", "objectId", "a",
                "service.pid", "p", "component.id", 3L,
                "felix.fileinstall.filename", "file:/conf/ipsocket.TcpSocket-a.cfg", ".secret", "s3cret",
                "osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)", "runtime.target", "(x=y)"));
        assertEquals(List.of("hostnmae", "lowdelay", "multicastGroups"), reading.unknownKeys());
        assertEquals(List.of(), reading.problems());
        assertEquals(List.of(), ConfigurationReader.read(SocketProperties.UDP,
                Map.of("multicastGroups", "239.1.1.1")).unknownKeys());
    }

    @Test
    void misspelledKeysGetTheKeyTheyProbablyMean() {
        assertEquals(" (did you mean hostname?)", UnknownKeys.suggestion("hostnmae", SocketProperties.TCP));
        assertEquals(" (did you mean lowDelay?)", UnknownKeys.suggestion("lowdelay", SocketProperties.TCP));
        assertEquals(" (did you mean port?)", UnknownKeys.suggestion("prot", SocketProperties.TCP));
        assertEquals("", UnknownKeys.suggestion("somethingElse", SocketProperties.TCP));
    }
}
