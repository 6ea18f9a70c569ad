package ipsocket.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import ipsocket.api.SocketPids;

/**
 * The create form made from ipsocket.impl's real metatype (read by Felix metatype): what a
 * submitted form stores (only values that differ from their default), the check that names the
 * metatype's reason, the number fields' bounds, and password fields that never carry a value.
 */
class CreateFormTest {
    private final CreateForm tcp = new CreateForm(FelixMetatype.definition(SocketPids.TCP_SOCKET));

    @Test
    void onlyValuesThatDifferFromTheDefaultAreStored() {
        Map<String, String[]> submitted = Map.of(
                "name", new String[] {"plc1"},
                "hostname", new String[] {" 127.0.0.1 "},
                "port", new String[] {"5020"},
                "autoConnect", new String[] {"false"},          // hidden field only: box not ticked
                "lowDelay", new String[] {"false", "true"},     // hidden field, then the ticked box
                "connectTimeout", new String[] {"30000"},       // the default
                "protocol", new String[] {"AnyIPProtocol"},     // the default
                "localAddress", new String[] {""},              // blank: the default
                "linger", new String[] {"  "});
        assertEquals(Map.of("hostname", "127.0.0.1", "port", "5020", "autoConnect", "false", "lowDelay", "true"),
                tcp.settings(submitted::get));
    }

    @Test
    void theCheckNamesTheMetatypesReason() {
        assertNull(tcp.check().problem("port", "5020"));
        assertTrue(tcp.check().problem("port", "70000").contains("maximum"), tcp.check().problem("port", "70000"));
        assertTrue(tcp.check().problem("port", "x").length() > 0);
        assertTrue(tcp.check().problem("protocol", "IPv5Protocol").length() > 0);
        assertNull(tcp.check().problem("noSuchKey", "anything"), "an unknown key is the socket's to report");
    }

    @Test
    void numberFieldsCarryTheMetatypesBoundsAndDefaults() {
        String html = rows(tcp);
        assertEquals("<input type='number' step='1' name='port' id='ipsocket-cfg-port' min='-1' max='65535' value='-1'>",
                field(html, "port"));
        assertEquals("<input type='number' step='1' name='connectTimeout' id='ipsocket-cfg-connectTimeout' min='1'"
                + " value='30000'>", field(html, "connectTimeout"), "a lower bound only");
        assertTrue(html.contains("<input type='checkbox' value='true' name='autoConnect' id='ipsocket-cfg-autoConnect'"
                + " checked>"), "autoConnect ticked by default");
        assertTrue(html.contains("<select name='protocol'"), "options are a list");
    }

    @Test
    void passwordFieldsNeverCarryAValue() {
        String html = rows(new CreateForm(FelixMetatype.definition(SocketPids.SSL_SOCKET)));
        for (String key : new String[] {".keyStorePassword", ".privateKeyPassword"}) {
            String field = field(html, key);
            assertTrue(field.startsWith("<input type='password'"), field);
            assertFalse(field.contains("value="), field);
        }
        assertTrue(html.contains("<tr class='optional'><td>Key store password <small>(optional)</small>"),
                "optional as the metatype says");
    }

    private static String rows(CreateForm form) {
        StringBuilder html = new StringBuilder();
        form.rows(html);
        return html.toString();
    }

    /** The input or select element named {@code key} (not the checkbox's hidden field). */
    private static String field(String html, String key) {
        Matcher matcher = Pattern.compile("<(input|select)(?! type='hidden')[^>]*name='" + Pattern.quote(key) + "'[^>]*>")
                .matcher(html);
        assertTrue(matcher.find(), "no field " + key);
        return matcher.group();
    }
}
