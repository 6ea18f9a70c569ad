package ipsocket.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;
import org.osgi.service.log.LogEntry;

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

    /**
     * The {@code topic} of the events file's lines that are operator warnings from the framework's
     * log rather than EventAdmin events; no event is ever posted on it.
     */
    static final String LOG_TOPIC = "ipsocket/Gateway/LOG";

    /**
     * Returns an operator warning from the framework's log as one line of JSON, with the
     * {@code topic} every line of the events file has ({@value #LOG_TOPIC}):
     * {@code {"topic":"ipsocket/Gateway/LOG","level":"WARN","time":"2026-12-07T10:00:00.123Z",
     * "bundle":"ipsocket.impl","message":"..."}}, plus {@code exception} when the entry has one.
     *
     * @param entry the log entry
     * @return a JSON object without line breaks
     */
    static String toJson(LogEntry entry) {
        JsonObject object = new JsonObject();
        object.addProperty("topic", LOG_TOPIC);
        object.addProperty("level", entry.getLogLevel().name());
        object.addProperty("time", Instant.ofEpochMilli(entry.getTime()).toString());
        Bundle bundle = entry.getBundle();
        object.addProperty("bundle", bundle == null ? "framework" : bundle.getSymbolicName());
        object.addProperty("message", entry.getMessage());
        if (entry.getException() != null) {
            object.addProperty("exception", entry.getException().toString());
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
