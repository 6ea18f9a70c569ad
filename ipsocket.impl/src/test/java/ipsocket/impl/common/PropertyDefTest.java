package ipsocket.impl.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import ipsocket.api.NetworkProtocol;

/** Configuration values arrive typed or as Strings; bad ones are refused with the key in the message. */
class PropertyDefTest {

    @Test
    void integersAcceptNumbersAndTheirText() {
        assertEquals(502, SocketProperties.PORT.convert("502"));
        assertEquals(502, SocketProperties.PORT.convert(" 502 "));
        assertEquals(502, SocketProperties.PORT.convert(502L));
        assertEquals(502, SocketProperties.PORT.convert(new BigDecimal("502")));
        assertMessage(() -> SocketProperties.PORT.convert("5o2"), "port '5o2' is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert("1.5"), "port '1.5' is not an integer");
        assertMessage(() -> SocketProperties.TYPE_OF_SERVICE.convert(256), "typeOfService 256 is out of range");
        assertMessage(() -> SocketProperties.PORT.convert(true), "port has a value of type Boolean");
    }

    /** Issue 14: text that only looks like an integer, and floating-point values, are refused. */
    @Test
    void integersAreExactAsciiDigits() {
        assertEquals(-1, SocketProperties.PORT.convert("-1"));
        assertEquals(502, SocketProperties.PORT.convert("+502"));
        assertEquals(502, SocketProperties.PORT.convert(java.math.BigInteger.valueOf(502)));
        assertMessage(() -> SocketProperties.PORT.convert("1e3"), "port '1e3' is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert("5020.0"), "port '5020.0' is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert("\u0665\u0660\u0662\u0660"),
                "port '\u0665\u0660\u0662\u0660' is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert("\uff15\uff10\uff12"), "is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert("-"), "port '-' is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert("0x1F"), "port '0x1F' is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert(new BigDecimal("5020.0")), "port '5020.0' is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert(new BigDecimal("1e3")), "is not an integer");
        assertMessage(() -> SocketProperties.PORT.convert(5020.0), "port has a value of type Double");
        assertMessage(() -> SocketProperties.CONNECT_TIMEOUT.convert(1000f), "connectTimeout has a value of type Float");
    }

    @Test
    void specialValuesOutsideTheRangeAreAccepted() {
        assertEquals(-1, SocketProperties.LINGER.convert("-1"));
        assertEquals(0, SocketProperties.PATH_MTU.convert(0));
        assertMessage(() -> SocketProperties.PATH_MTU.convert(1000), "pathMtu 1000 is out of range");
    }

    @Test
    void flagsAreStrict() {
        assertEquals(true, SocketProperties.KEEP_ALIVE.convert("TRUE"));
        assertEquals(false, SocketProperties.KEEP_ALIVE.convert(" false"));
        assertMessage(() -> SocketProperties.KEEP_ALIVE.convert("yes"), "expected true or false");
    }

    @Test
    void protocolsByNameNumberOrConstant() {
        assertEquals(NetworkProtocol.IPV6_PROTOCOL, SocketProperties.PROTOCOL.convert("IPv6Protocol"));
        assertEquals(NetworkProtocol.IPV4_PROTOCOL, SocketProperties.PROTOCOL.convert(0));
        assertEquals(NetworkProtocol.ANY_IP_PROTOCOL, SocketProperties.PROTOCOL.convert("2"));
        assertMessage(() -> SocketProperties.PROTOCOL.convert("IPX"), "protocol");
        assertMessage(() -> SocketProperties.PROTOCOL.convert("UnknownProtocol"), "cannot be used");
        assertMessage(() -> SocketProperties.PROTOCOL.convert("\u0662"), "has digits other than 0-9");
    }

    @Test
    void listsFromArraysCollectionsOrCommaText() {
        List<String> expected = List.of("239.1.1.1", "ff02::1");
        assertEquals(expected, SocketProperties.MULTICAST_GROUPS.convert("239.1.1.1, ff02::1"));
        assertEquals(expected, SocketProperties.MULTICAST_GROUPS.convert(new String[] {"239.1.1.1", "ff02::1"}));
        assertEquals(expected, SocketProperties.MULTICAST_GROUPS.convert(expected));
        assertMessage(() -> SocketProperties.MULTICAST_GROUPS.convert("10.0.0.1"), "not a multicast address");
    }

    @Test
    void localAddressesMustBeLiterals() {
        assertEquals("", SocketProperties.LOCAL_ADDRESS.convert(""));
        assertEquals("::1", SocketProperties.LOCAL_ADDRESS.convert("::1"));
        assertMessage(() -> SocketProperties.LOCAL_ADDRESS.convert("gateway.local"), "not an IP literal");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable conversion, String expected) {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, conversion);
        assertTrue(thrown.getMessage().contains(expected), thrown.getMessage());
    }
}
