package ipsocket.impl.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/**
 * Writes and reads the plain property map as a JSON object, with Gson.
 */
public final class JsonProperties {

    private JsonProperties() {
    }

    /**
     * Writes a plain property map as JSON.
     *
     * @param properties values as produced by {@link PropertyValues#toPlainMap()}
     * @return a JSON object as text
     */
    public static String toJson(Map<String, Object> properties) {
        JsonObject object = new JsonObject();
        properties.forEach((name, value) -> object.add(name, toElement(value)));
        return object.toString();
    }

    /**
     * Reads a JSON object into a raw property map: numbers stay numbers (converted and checked
     * later by each property), arrays become lists of Strings.
     *
     * @param json a JSON object as text
     * @return the members
     * @throws IllegalArgumentException if the text is not a JSON object
     */
    public static Map<String, Object> fromJson(String json) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json == null ? "" : json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("Not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("Expected a JSON object of properties, got: "
                    + abbreviate(String.valueOf(json)));
        }
        Map<String, Object> raw = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> member : root.getAsJsonObject().entrySet()) {
            raw.put(member.getKey(), fromElement(member.getKey(), member.getValue()));
        }
        return raw;
    }

    private static JsonElement toElement(Object value) {
        if (value instanceof String[]) {
            JsonArray array = new JsonArray();
            for (String item : (String[]) value) {
                array.add(item);
            }
            return array;
        }
        if (value instanceof Number) {
            return new JsonPrimitive((Number) value);
        }
        if (value instanceof Boolean) {
            return new JsonPrimitive((Boolean) value);
        }
        return new JsonPrimitive(String.valueOf(value));
    }

    private static Object fromElement(String name, JsonElement element) {
        if (element.isJsonNull()) {
            return null;
        }
        if (element.isJsonArray()) {
            List<Object> items = new ArrayList<>();
            for (JsonElement item : element.getAsJsonArray()) {
                items.add(item.isJsonPrimitive() && item.getAsJsonPrimitive().isString()
                        ? item.getAsString() : item.toString());
            }
            return items;
        }
        if (element.isJsonObject()) {
            throw new IllegalArgumentException(name + " must not be a JSON object");
        }
        JsonPrimitive primitive = element.getAsJsonPrimitive();
        if (primitive.isBoolean()) {
            return primitive.getAsBoolean();
        }
        if (primitive.isNumber()) {
            return primitive.getAsBigDecimal();
        }
        return primitive.getAsString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
