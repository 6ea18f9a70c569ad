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
}
