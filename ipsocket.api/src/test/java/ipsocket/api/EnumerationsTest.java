package ipsocket.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;

/** Checks the three enumerations against the InCore seed's tables. */
class EnumerationsTest {

    /** The seed's Error table, transcribed: name to value. */
    private static final Map<String, Integer> SEED_ERRORS = table(
            "NoError", 0, "EmptyHostNameError", 1, "PortNumberOutOfRangeError", 2,
            "DatagramWriteError", 3, "ConnectionRefusedError", 10, "RemoteHostClosedError", 11,
            "HostNotFoundError", 12, "SocketAccessError", 13, "SocketResourceError", 14,
            "SocketTimeoutError", 15, "DatagramTooLargeError", 16, "NetworkError", 17,
            "AddressInUseError", 18, "SocketAddressNotAvailableError", 19,
            "UnsupportedSocketOperationError", 20, "UnfinishedSocketOperationError", 21,
            "ProxyAuthenticationRequiredError", 22, "SslHandshakeFailedError", 23,
            "ProxyConnectionRefusedError", 24, "ProxyConnectionClosedError", 25,
            "ProxyConnectionTimeoutError", 26, "ProxyNotFoundError", 27, "ProxyProtocolError", 28,
            "OperationError", 29, "SslInternalError", 30, "SslInvalidUserDataError", 31,
            "TemporaryError", 32);

    private static final Map<String, Integer> SEED_PROTOCOLS = table(
            "UnknownProtocol", -1, "IPv4Protocol", 0, "IPv6Protocol", 1, "AnyIPProtocol", 2);

    private static final Map<String, Integer> SEED_STATES = table(
            "Disconnected", 0, "HostLookup", 1, "Connecting", 2, "Connected", 3, "Bound", 4,
            "Closing", 6);

    @Test
    void socketErrorMatchesSeedTable() {
        assertMatches(SEED_ERRORS, SocketError.values(), SocketError::seedName, SocketError::value);
    }

    @Test
    void networkProtocolMatchesSeedTable() {
        assertMatches(SEED_PROTOCOLS, NetworkProtocol.values(), NetworkProtocol::seedName,
                NetworkProtocol::value);
    }

    @Test
    void socketStateMatchesSeedTable() {
        assertMatches(SEED_STATES, SocketState.values(), SocketState::seedName, SocketState::value);
    }

    @Test
    void transcribedTablesMatchTheSeedPage() throws IOException {
        Optional<Path> seed = SeedTable.locate();
        assumeTrue(seed.isPresent(), "shared/spec/IpSocket.rst is not beside the workspace");
        assertEquals(SEED_ERRORS, SeedTable.enumeration(seed.get(), "Error"));
        assertEquals(SEED_PROTOCOLS, SeedTable.enumeration(seed.get(), "Protocol"));
        assertEquals(SEED_STATES, SeedTable.enumeration(seed.get(), "State"));
    }

    @Test
    void javaNamesAreSeedNamesInUpperSnakeCase() {
        assertEquals("CONNECTION_REFUSED_ERROR", SocketError.CONNECTION_REFUSED_ERROR.name());
        assertEquals("IPV4_PROTOCOL", NetworkProtocol.IPV4_PROTOCOL.name());
        assertEquals("ANY_IP_PROTOCOL", NetworkProtocol.ANY_IP_PROTOCOL.name());
        assertEquals("HOST_LOOKUP", SocketState.HOST_LOOKUP.name());
        for (SocketError error : SocketError.values()) {
            assertEquals(upperSnake(error.seedName()), error.name());
        }
        for (SocketState state : SocketState.values()) {
            assertEquals(upperSnake(state.seedName()), state.name());
        }
    }

    @Test
    void fromValueRoundTrips() {
        roundTrip(SocketError.values(), SocketError::value, SocketError::fromValue);
        roundTrip(NetworkProtocol.values(), NetworkProtocol::value, NetworkProtocol::fromValue);
        roundTrip(SocketState.values(), SocketState::value, SocketState::fromValue);
        for (SocketError error : SocketError.values()) {
            assertSame(error, SocketError.fromSeedName(error.seedName()));
        }
        for (NetworkProtocol protocol : NetworkProtocol.values()) {
            assertSame(protocol, NetworkProtocol.fromSeedName(protocol.seedName()));
        }
        for (SocketState state : SocketState.values()) {
            assertSame(state, SocketState.fromSeedName(state.seedName()));
        }
    }

    @Test
    void unknownValuesAreRejectedWithTheValueInTheMessage() {
        for (int gap = 4; gap <= 9; gap++) {
            int value = gap;
            IllegalArgumentException thrown =
                    assertThrows(IllegalArgumentException.class, () -> SocketError.fromValue(value));
            assertTrue(thrown.getMessage().contains(Integer.toString(value)), thrown.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SocketError.fromValue(33));
        assertThrows(IllegalArgumentException.class, () -> SocketError.fromValue(-1));
        assertThrows(IllegalArgumentException.class, () -> SocketState.fromValue(5));
        assertThrows(IllegalArgumentException.class, () -> SocketState.fromValue(7));
        assertThrows(IllegalArgumentException.class, () -> NetworkProtocol.fromValue(3));
        assertThrows(IllegalArgumentException.class, () -> NetworkProtocol.fromValue(-2));
        IllegalArgumentException byName = assertThrows(IllegalArgumentException.class,
                () -> SocketState.fromSeedName("Listening"));
        assertTrue(byName.getMessage().contains("'Listening'"), byName.getMessage());
    }

    @Test
    void protocolParsesConfigurationText() {
        assertSame(NetworkProtocol.IPV6_PROTOCOL, NetworkProtocol.parse("IPv6Protocol"));
        assertSame(NetworkProtocol.IPV6_PROTOCOL, NetworkProtocol.parse(" 1 "));
        assertSame(NetworkProtocol.IPV4_PROTOCOL, NetworkProtocol.parse("IPV4_PROTOCOL"));
        assertSame(NetworkProtocol.UNKNOWN_PROTOCOL, NetworkProtocol.parse("-1"));
        IllegalArgumentException thrown =
                assertThrows(IllegalArgumentException.class, () -> NetworkProtocol.parse("IPX"));
        assertTrue(thrown.getMessage().contains("'IPX'"), thrown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetworkProtocol.parse(null));
        assertThrows(IllegalArgumentException.class, () -> NetworkProtocol.parse("7"));
    }

    private static <E extends Enum<E>> void assertMatches(Map<String, Integer> seed, E[] constants,
            Function<E, String> seedName, ToIntFunction<E> value) {
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (E constant : constants) {
            actual.put(seedName.apply(constant), value.applyAsInt(constant));
        }
        assertEquals(seed, actual, "names, values and order as in the seed table");
    }

    private static <E> void roundTrip(E[] constants, ToIntFunction<E> value, IntFunction<E> fromValue) {
        for (E constant : constants) {
            assertSame(constant, fromValue.apply(value.applyAsInt(constant)));
        }
    }

    private static String upperSnake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static Map<String, Integer> table(Object... pairs) {
        Map<String, Integer> table = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            table.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return table;
    }
}
