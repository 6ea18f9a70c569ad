package ipsocket.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

import ipsocket.api.SocketEvents;

/** One event, one JSON line: topic and every property, bytes as base64; and the console line. */
class EventJsonTest {

    @Test
    void everyPropertyIsWrittenWithBytesAsBase64() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(SocketEvents.OBJECT_ID, "beta");
        properties.put(SocketEvents.STATE, "Connected");
        properties.put(SocketEvents.PORT, 47001);
        properties.put(SocketEvents.DATA, "a\nb\"c".getBytes(StandardCharsets.UTF_8));
        properties.put(SocketEvents.VALUE, new String[] {"239.1.1.1", "ff02::1"});
        properties.put("flag", true);
        String line = EventJson.toJson(new Event(SocketEvents.UDP_DATAGRAM_RECEIVED, properties));

        assertFalse(line.contains("\n"), "one line: " + line);
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        assertEquals(SocketEvents.UDP_DATAGRAM_RECEIVED, json.get("topic").getAsString());
        assertEquals("beta", json.get("objectId").getAsString());
        assertEquals(47001, json.get("port").getAsInt());
        assertEquals("a\nb\"c", new String(Base64.getDecoder().decode(json.get("data").getAsString()),
                StandardCharsets.UTF_8));
        assertEquals("ff02::1", json.get("value").getAsJsonArray().get(1).getAsString());
        assertTrue(json.get("flag").getAsBoolean());
        assertFalse(json.has("event.topics"), "EventAdmin's own copy of the topic is left out");
    }

    @Test
    void stringDataOfAnInboundWriteIsBase64Too() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(SocketEvents.OBJECT_ID, "device");
        properties.put(SocketEvents.DATA, "héllo\n");
        properties.put(SocketEvents.ERROR_STRING, "plain text stays text");
        JsonObject json = JsonParser.parseString(EventJson.toJson(new Event(SocketEvents.TCP_WRITE, properties)))
                .getAsJsonObject();
        assertEquals("héllo\n", new String(Base64.getDecoder().decode(json.get("data").getAsString()),
                StandardCharsets.UTF_8));
        assertEquals("plain text stays text", json.get("errorString").getAsString());
    }

    @Test
    void theConsoleLineNamesSocketEventStateAndError() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(SocketEvents.OBJECT_ID, "device");
        properties.put(SocketEvents.STATE, "Connecting");
        properties.put(SocketEvents.HOSTNAME, "127.0.0.1");
        properties.put(SocketEvents.PORT, 47010);
        properties.put(SocketEvents.ERROR, "ConnectionRefusedError");
        properties.put(SocketEvents.ERROR_STRING, "refused");
        String line = ConsoleEvents.describe(new Event(SocketEvents.TCP_ERROR_OCCURRED, properties),
                LocalTime.of(12, 0, 1, 250_000_000));
        assertTrue(line.startsWith("12:00:01.250 tcp device"), line);
        assertTrue(line.contains("ERROR_OCCURRED"), line);
        assertTrue(line.contains("127.0.0.1:47010"), line);
        assertTrue(line.endsWith("ConnectionRefusedError: refused"), line);
    }
}
