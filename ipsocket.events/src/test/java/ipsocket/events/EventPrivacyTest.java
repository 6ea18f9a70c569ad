package ipsocket.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

import ipsocket.api.SocketEvents;

/** Payloads only with publishData, private properties never: in the JSON line and the console line. */
class EventPrivacyTest {
    private static final byte[] SECRET = "secret-payload".getBytes(StandardCharsets.UTF_8);

    @Test
    void payloadIsWithheldUnlessTheSocketPublishesData() {
        Event write = new Event(SocketEvents.TCP_WRITE, Map.of(SocketEvents.OBJECT_ID, "plc", SocketEvents.DATA,
                "secret-payload"));
        Event redacted = EventPrivacy.redact(write, objectId -> false);
        assertFalse(redacted.containsProperty(SocketEvents.DATA));
        assertEquals(SECRET.length, redacted.getProperty(EventPrivacy.WITHHELD_LENGTH));
        assertFalse(EventJson.toJson(redacted).contains("secret"), EventJson.toJson(redacted));
        String console = ConsoleEvents.describe(redacted, LocalTime.NOON);
        assertFalse(console.contains("secret"), console);
        assertTrue(console.contains("14 bytes (not shown"), console);

        Event datagram = new Event(SocketEvents.UDP_TOPIC_PREFIX + "DATAGRAM_RECEIVED",
                Map.of(SocketEvents.OBJECT_ID, "probe", SocketEvents.DATA, SECRET));
        assertFalse(EventPrivacy.redact(datagram, "plc"::equals).containsProperty(SocketEvents.DATA));

        Event published = new Event(SocketEvents.TCP_WRITE, Map.of(SocketEvents.OBJECT_ID, "plc", SocketEvents.DATA,
                SECRET));
        assertSame(published, EventPrivacy.redact(published, "plc"::equals));
        assertArrayEquals(SECRET, (byte[]) EventPrivacy.redact(published, "plc"::equals)
                .getProperty(SocketEvents.DATA));
    }

    @Test
    void privatePropertiesNeverAppear() {
        Event withKey = new Event(SocketEvents.TCP_TOPIC_PREFIX + "STATE_CHANGED",
                Map.of(SocketEvents.OBJECT_ID, "plc", ".password", "hunter2"));
        String json = EventJson.toJson(EventPrivacy.redact(withKey, objectId -> true));
        assertFalse(json.contains("hunter2"), json);
        assertTrue(json.contains("\"objectId\":\"plc\""), json);

        Event change = new Event(SocketEvents.TCP_TOPIC_PREFIX + "PROPERTY_CHANGED", Map.of(SocketEvents.OBJECT_ID,
                "plc", SocketEvents.PROPERTY, ".keyStorePassword", SocketEvents.VALUE, "hunter2"));
        Event redacted = EventPrivacy.redact(change, objectId -> true);
        assertFalse(EventJson.toJson(redacted).contains("hunter2"));
        assertFalse(ConsoleEvents.describe(redacted, LocalTime.NOON).contains("hunter2"));

        Event ordinary = new Event(SocketEvents.TCP_TOPIC_PREFIX + "PROPERTY_CHANGED", Map.of(SocketEvents.OBJECT_ID,
                "plc", SocketEvents.PROPERTY, "port", SocketEvents.VALUE, 502));
        assertSame(ordinary, EventPrivacy.redact(ordinary, objectId -> false));
    }
}
