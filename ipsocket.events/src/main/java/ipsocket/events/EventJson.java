package ipsocket.events;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import org.osgi.service.event.Event;

import ipsocket.api.SocketEvents;

/**
 * Writes an OSGi event as one JSON object: {@code topic} and every event property, byte
 * arrays as base64, arrays and collections as JSON arrays. The {@code data} property is always
 * base64 (CONTRACT.md §4), also when an inbound {@code WRITE} event carries it as a String
 * (its UTF-8 bytes), so a reader decodes {@code data} one way whatever the event.
 */
final class EventJson {

    private EventJson() {
    }

    /**
     * Returns the event as one line of JSON.
     *
     * @param event the event
     * @return a JSON object without line breaks
     */
    static String toJson(Event event) {
        JsonObject object = new JsonObject();
        object.addProperty("topic", event.getTopic());
        for (String name : event.getPropertyNames()) {
            if (name.equals("event.topics")) {
                continue;
            }
            Object value = event.getProperty(name);
            if (name.equals(SocketEvents.DATA) && value instanceof String) {
                value = ((String) value).getBytes(StandardCharsets.UTF_8);
            }
            object.add(name, element(value));
        }
        return object.toString();
    }

    private static JsonElement element(Object value) {
        if (value == null) {
            return JsonNull.INSTANCE;
        }
        if (value instanceof byte[]) {
            return new JsonPrimitive(Base64.getEncoder().encodeToString((byte[]) value));
        }
        if (value instanceof Number) {
            return new JsonPrimitive((Number) value);
        }
        if (value instanceof Boolean) {
            return new JsonPrimitive((Boolean) value);
        }
        if (value instanceof Object[]) {
            JsonArray array = new JsonArray();
            for (Object item : (Object[]) value) {
                array.add(element(item));
            }
            return array;
        }
        if (value instanceof Collection) {
            JsonArray array = new JsonArray();
            for (Object item : (Collection<?>) value) {
                array.add(element(item));
            }
            return array;
        }
        return new JsonPrimitive(String.valueOf(value));
    }
}
