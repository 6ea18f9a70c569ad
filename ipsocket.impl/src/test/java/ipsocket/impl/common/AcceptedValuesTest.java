package ipsocket.impl.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An accepted connection's values: the server's template shared, its own endpoint and name. */
class AcceptedValuesTest {

    private static PropertyValues template() {
        return PropertyValues.of(SocketSettings.builder(SocketProperties.TCP).set(SocketProperties.LOW_DELAY, true)
                .set(SocketProperties.AUTO_CONNECT, false).set(SocketProperties.PARENT, "srv").build());
    }

    @Test
    void readsTheTemplateAndItsOwnEndpointAndIsNamedAfterThem() {
        PropertyValues template = template();
        AcceptedValues first = new AcceptedValues(template, "127.0.0.1", 50001);
        AcceptedValues second = new AcceptedValues(template, "::1", 50002);
        assertTrue(first.get(SocketProperties.LOW_DELAY));
        assertFalse(first.get(SocketProperties.AUTO_CONNECT));
        assertEquals("127.0.0.1", first.get(SocketProperties.HOSTNAME));
        assertEquals(50001, first.get(SocketProperties.PORT));
        assertEquals("::1", second.get(SocketProperties.HOSTNAME));
        assertEquals(50002, second.get(SocketProperties.PORT));
        assertEquals("srv/127.0.0.1:50001", first.derivedName());
        assertEquals("srv/::1:50002", second.derivedName());
        assertEquals("127.0.0.1", first.toPlainMap().get("hostname"));
        assertEquals(50001, first.toPlainMap().get("port"));
        assertNull(new PropertyValues(SocketProperties.TCP).derivedName(), "a store of a socket that was given its name");
    }

    @Test
    void aChangeCopiesTheTemplateWithTheEndpointAndLeavesTheOthersAlone() {
        PropertyValues template = template();
        AcceptedValues changed = new AcceptedValues(template, "127.0.0.1", 50001);
        AcceptedValues other = new AcceptedValues(template, "127.0.0.1", 50002);

        assertEquals(true, changed.put(SocketProperties.LOW_DELAY, false));
        assertFalse(changed.get(SocketProperties.LOW_DELAY));
        assertEquals("127.0.0.1", changed.get(SocketProperties.HOSTNAME), "the copy has the endpoint");
        assertEquals(50001, changed.get(SocketProperties.PORT));
        assertTrue(other.get(SocketProperties.LOW_DELAY), "the other connection still reads the template");
        assertTrue(template.get(SocketProperties.LOW_DELAY), "the template never changes");

        assertEquals(50001, changed.put(SocketProperties.PORT, 7000));
        assertEquals(7000, changed.get(SocketProperties.PORT));
        assertEquals(50002, other.get(SocketProperties.PORT));
    }

    @Test
    void theNameIsFixedBeforeTheValuesItIsMadeOfChange() {
        AcceptedValues values = new AcceptedValues(template(), "127.0.0.1", 50001);
        values.put(SocketProperties.HOSTNAME, "elsewhere.example");
        values.put(SocketProperties.PARENT, "another");
        assertEquals("elsewhere.example", values.get(SocketProperties.HOSTNAME));
        assertEquals("srv/127.0.0.1:50001", values.derivedName(), "named after where it was accepted");
    }

    @Test
    void storingAnEqualValueKeepsTheTemplateShared() {
        PropertyValues template = template();
        AcceptedValues values = new AcceptedValues(template, "127.0.0.1", 50001);
        assertEquals(true, values.put(SocketProperties.LOW_DELAY, true));
        assertEquals(50001, values.put(SocketProperties.PORT, 50001));
        // still reading the template: a change of it (which a server never makes) would show
        template.put(SocketProperties.KEEP_ALIVE, true);
        assertTrue(values.get(SocketProperties.KEEP_ALIVE));
    }
}
