package ipsocket.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ipsocket.api.SocketEvents;

/** The periodic writer's values: good ones as Strings and typed, each bad one named with its key and value. */
class PeriodicWriterSettingsTest {

    @Test
    void goodValuesAsStringsOrTypedAreTaken() {
        PeriodicWriterSettings fromFile = PeriodicWriterSettings.read(Map.of("objectId", "alpha", "kind", "UdpSocket",
                "text", "ping\\n", "intervalMillis", "250"));
        assertEquals(List.of(), fromFile.problems());
        assertEquals(SocketEvents.UDP_TOPIC_PREFIX + SocketEvents.WRITE, fromFile.topic());
        assertEquals("ping\n", fromFile.text());
        assertEquals(250, fromFile.intervalMillis());

        PeriodicWriterSettings typed = PeriodicWriterSettings.read(Map.of("objectId", "device", "intervalMillis", 100L));
        assertTrue(typed.valid(), typed.problems().toString());
        assertEquals(SocketEvents.TCP_TOPIC_PREFIX + SocketEvents.WRITE, typed.topic());
    }

    @Test
    void eachBadValueIsAProblemNamingItsKeyAndValue() {
        assertProblem(Map.of("kind", "TcpSocket"), "objectId (missing)");
        assertProblem(Map.of("objectId", " "), "objectId ' '");
        assertProblem(Map.of("objectId", "a", "kind", "SerialPort"), "kind 'SerialPort' is no kind of socket");
        assertProblem(Map.of("objectId", "a", "intervalMillis", "abc"), "intervalMillis 'abc' is not a whole number");
        assertProblem(Map.of("objectId", "a", "intervalMillis", "1e3"), "intervalMillis '1e3' is not a whole number");
        assertProblem(Map.of("objectId", "a", "intervalMillis", "5000.0"), "intervalMillis '5000.0' is not a whole");
        assertProblem(Map.of("objectId", "a", "intervalMillis", "\u0661\u0660\u0660"), "is not a whole number");
        assertProblem(Map.of("objectId", "a", "intervalMillis", 2.5d), "intervalMillis '2.5' is not a whole number");
        assertProblem(Map.of("objectId", "a", "intervalMillis", "20"), "intervalMillis '20' is out of range");
        assertProblem(Map.of("objectId", "a", "intervalMillis", 86_400_001L), "'86400001' is out of range");
        assertProblem(Map.of("objectId", "a", "text", ""), "text of 0 characters cannot be written");
    }

    @Test
    void aBadKindIsReportedOnTheTcpTopicAndABadIntervalOnItsKindsTopic() {
        assertEquals(SocketEvents.TCP_TOPIC_PREFIX + SocketEvents.ERROR_OCCURRED,
                PeriodicWriterSettings.read(Map.of("objectId", "a", "kind", "x")).errorTopic());
        assertEquals(SocketEvents.UDP_TOPIC_PREFIX + SocketEvents.ERROR_OCCURRED, PeriodicWriterSettings
                .read(Map.of("objectId", "a", "kind", "UdpSocket", "intervalMillis", "x")).errorTopic());
    }

    private static void assertProblem(Map<String, ?> properties, String expected) {
        List<String> problems = PeriodicWriterSettings.read(properties).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains(expected), problems.get(0));
    }
}
