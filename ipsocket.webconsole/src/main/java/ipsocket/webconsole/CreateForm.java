package ipsocket.webconsole;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

import ipsocket.api.SocketConfig;
import ipsocket.shell.config.SocketMetatypes;
import ipsocket.shell.config.ValueCheck;

/**
 * The create form of one socket kind, made from the kind's metatype: one field per attribute
 * (a checkbox for a boolean, a list for options, a number field with the attribute's bounds, a
 * password field for a password or private key, text otherwise), pre-filled with the default,
 * with the description as help; and the reading of a submitted form back into settings.
 *
 * <p>Only values that differ from the attribute's default are kept (a blank field means the
 * default too): the configuration then says what the operator chose, and a later change of a
 * default reaches the socket. Password fields are never filled in, not even with a default.
 */
final class CreateForm {
    /** The form's field for the socket's name (its objectId and configuration name). */
    static final String NAME = "name";

    private final ObjectClassDefinition definition;
    private final Set<String> optional = new HashSet<>();
    private final Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();

    /**
     * A form for one kind.
     *
     * @param definition the kind's metatype
     */
    CreateForm(ObjectClassDefinition definition) {
        this.definition = definition;
        AttributeDefinition[] optionals = definition.getAttributeDefinitions(ObjectClassDefinition.OPTIONAL);
        for (AttributeDefinition attribute : optionals == null ? new AttributeDefinition[0] : optionals) {
            optional.add(attribute.getID());
        }
        AttributeDefinition[] all = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition attribute : all == null ? new AttributeDefinition[0] : all) {
            if (!attribute.getID().equals(SocketConfig.OBJECT_ID)) { // the name field gives it
                attributes.put(attribute.getID(), attribute);
            }
        }
    }

    /**
     * Writes the form's table rows: the name, then one row per attribute in the metatype's order.
     *
     * @param out where the rows go
     */
    void rows(StringBuilder out) {
        out.append(row("Name", NAME, true, "<input type='text' name='" + NAME + "' id='ipsocket-" + NAME
                + "' required>", "The socket's objectId and the configuration's name."));
        for (AttributeDefinition attribute : attributes.values()) {
            String key = attribute.getID();
            String help = attribute.getDescription() == null ? "" : attribute.getDescription();
            if (attribute.getCardinality() != 0) {
                help += " Several values: separated by commas.";
            }
            out.append(row(attribute.getName(), key, !optional.contains(key), field(attribute), help));
        }
    }

    /** @return the kind's metatype name, such as "ipsocket TCP socket" */
    String title() {
        return definition.getName();
    }

    /**
     * Reads a submitted form: the value of every attribute that is not blank and differs from its
     * default (a checkbox sends "false" from its hidden field, then "true" if ticked: the last
     * value counts).
     *
     * @param parameters a request parameter's values by name, or {@code null} if absent
     * @return the settings to store, in the metatype's order
     */
    Map<String, String> settings(Function<String, String[]> parameters) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (AttributeDefinition attribute : attributes.values()) {
            String[] values = parameters.apply(attribute.getID());
            if (values == null || values.length == 0) {
                continue;
            }
            String value = values[values.length - 1];
            value = isSecret(attribute) ? value : value.trim();
            if (!value.isEmpty() && !value.equals(defaultText(attribute))) {
                settings.put(attribute.getID(), value);
            }
        }
        return settings;
    }

    /**
     * Checks values against the metatype's own validation (type, bounds, options).
     *
     * @return a check naming the metatype's reason for a refused value
     */
    ValueCheck check() {
        return SocketMetatypes.check(definition);
    }

    private static String field(AttributeDefinition attribute) {
        String key = attribute.getID();
        String attributes = " name='" + forHtmlAttribute(key) + "' id='" + forHtmlAttribute("ipsocket-cfg-" + key) + "'";
        String value = defaultText(attribute);
        if (isSecret(attribute)) {
            // Never echoed back: not even a default goes into the page.
            return "<input type='password' autocomplete='new-password'" + attributes + ">";
        }
        String[] options = attribute.getOptionValues();
        if (options != null && options.length > 0) {
            return select(attributes, options, attribute.getOptionLabels(), value);
        }
        switch (attribute.getType()) {
            case AttributeDefinition.BOOLEAN:
                // The hidden field sends false when the box is not ticked (browsers send nothing then).
                return "<input type='hidden' name='" + forHtmlAttribute(key) + "' value='false'>"
                        + "<input type='checkbox' value='true'" + attributes
                        + ("true".equalsIgnoreCase(value) ? " checked" : "") + ">";
            case AttributeDefinition.BYTE:
            case AttributeDefinition.SHORT:
            case AttributeDefinition.INTEGER:
            case AttributeDefinition.LONG:
            case AttributeDefinition.FLOAT:
            case AttributeDefinition.DOUBLE:
                if (attribute.getCardinality() == 0) {
                    return number(attribute, attributes, value);
                }
                return text(attributes, value);
            default:
                return text(attributes, value);
        }
    }

    private static String number(AttributeDefinition attribute, String attributes, String value) {
        NumberBounds bounds = NumberBounds.of(attribute);
        boolean whole = attribute.getType() != AttributeDefinition.FLOAT && attribute.getType() != AttributeDefinition.DOUBLE;
        return "<input type='number' step='" + (whole ? "1" : "any") + "'" + attributes
                + (bounds.min() == null ? "" : " min='" + forHtmlAttribute(bounds.min()) + "'")
                + (bounds.max() == null ? "" : " max='" + forHtmlAttribute(bounds.max()) + "'")
                + " value='" + forHtmlAttribute(value) + "'>";
    }

    private static String select(String attributes, String[] values, String[] labels, String selected) {
        StringBuilder select = new StringBuilder("<select").append(attributes).append('>');
        for (int i = 0; i < values.length; i++) {
            String label = labels != null && i < labels.length ? labels[i] : values[i];
            select.append("<option value='").append(forHtmlAttribute(values[i])).append('\'')
                    .append(values[i].equals(selected) ? " selected" : "").append('>').append(forHtml(label))
                    .append("</option>");
        }
        return select.append("</select>").toString();
    }

    private static String text(String attributes, String value) {
        return "<input type='text' size='40'" + attributes + " value='" + forHtmlAttribute(value) + "'>";
    }

    private static String row(String label, String key, boolean required, String field, String help) {
        return "<tr class='" + (required ? "required" : "optional") + "'><td>" + forHtml(label)
                + (required ? "" : " <small>(optional)</small>") + "<br><code>" + forHtml(key) + "</code></td><td>"
                + field + "<div class='ipsocket-help'>" + forHtml(help) + "</div></td></tr>";
    }

    /** A password attribute, or a private (dot) key: never shown, never trimmed. */
    private static boolean isSecret(AttributeDefinition attribute) {
        return attribute.getType() == AttributeDefinition.PASSWORD || attribute.getID().startsWith(".");
    }

    /** The default as a form shows it: several values joined by commas; none is empty. */
    private static String defaultText(AttributeDefinition attribute) {
        String[] defaults = attribute.getDefaultValue();
        return defaults == null ? "" : String.join(",", defaults);
    }
}
