package ipsocket.impl.tcp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketState;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * Proves the InCore Object members of a TCP socket: toJson/fromJson and
 * serializeProperties/deserializeProperties round-trip the writable properties with the seed's
 * names and spellings, accept String values as configuration files give them, and apply
 * nothing when one value is bad.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpJsonTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    /** A socket with every writable TCP property away from its default; never connects. */
    private TcpSocketImpl configured() {
        TcpSocketImpl socket = fixture.tcpSocket(); // autoConnect off first: it never connects
        socket.setHostname("plc.example");
        socket.setPort(502);
        socket.setProtocol(NetworkProtocol.IPV6_PROTOCOL);
        socket.setKeepAlive(true);
        socket.setLowDelay(true);
        socket.setTypeOfService(0x10);
        socket.setReceiveBufferSize(65536);
        socket.setSendBufferSize(32768);
        socket.setMulticastTtl(4);
        socket.setMulticastLoopback(true);
        socket.setPathMtu(1500);
        socket.setConnectTimeout(1234);
        socket.setReconnectMinInterval(200);
        socket.setReconnectMaxInterval(5000);
        socket.setMaxLineLength(1024);
        socket.setReadBufferLimit(4096);
        socket.setWriteBufferLimit(8192);
        socket.setKeepAliveIdle(30);
        socket.setKeepAliveInterval(5);
        socket.setKeepAliveCount(4);
        socket.setLinger(7);
        socket.setConnectionAttemptDelay(100);
        socket.setLocalPort(40000);
        socket.setLocalAddress("127.0.0.1");
        return socket;
    }

    @Test
    void toJsonNamesEveryWritablePropertyAsTheSeedSpellsIt() {
        TcpSocketImpl socket = configured();

        JsonObject json = JsonParser.parseString(socket.toJson()).getAsJsonObject();

        assertEquals("plc.example", json.get(SocketConfig.HOSTNAME).getAsString());
        assertEquals(502, json.get(SocketConfig.PORT).getAsInt());
        assertEquals("IPv6Protocol", json.get(SocketConfig.PROTOCOL).getAsString());
        assertFalse(json.get(SocketConfig.AUTO_CONNECT).getAsBoolean());
        assertTrue(json.get(SocketConfig.KEEP_ALIVE).getAsBoolean());
        assertTrue(json.get(SocketConfig.LOW_DELAY).getAsBoolean());
        assertEquals(16, json.get(SocketConfig.TYPE_OF_SERVICE).getAsInt());
        assertEquals(65536, json.get(SocketConfig.RECEIVE_BUFFER_SIZE).getAsInt());
        assertEquals(32768, json.get(SocketConfig.SEND_BUFFER_SIZE).getAsInt());
        assertEquals(4, json.get(SocketConfig.MULTICAST_TTL).getAsInt());
        assertTrue(json.get(SocketConfig.MULTICAST_LOOPBACK).getAsBoolean());
        assertEquals(1500, json.get(SocketConfig.PATH_MTU).getAsInt());
        assertEquals(1234, json.get(SocketConfig.CONNECT_TIMEOUT).getAsInt());
        assertEquals(200, json.get(SocketConfig.RECONNECT_MIN_INTERVAL).getAsInt());
        assertEquals(5000, json.get(SocketConfig.RECONNECT_MAX_INTERVAL).getAsInt());
        assertEquals(40000, json.get(SocketConfig.LOCAL_PORT).getAsInt());
        assertEquals("127.0.0.1", json.get(SocketConfig.LOCAL_ADDRESS).getAsString());
        for (String readOnly : List.of("state", "error", "errorString")) {
            assertFalse(json.has(readOnly), "read-only property " + readOnly + " in " + json);
        }
    }

    @Test
    void fromJsonOfToJsonReproducesEveryProperty() {
        TcpSocketImpl original = configured();
        TcpSocketImpl copy = fixture.tcpSocket();

        copy.fromJson(original.toJson());

        assertSameProperties(original, copy);
        assertEquals(withoutId(original.serializeProperties()), withoutId(copy.serializeProperties()));
        assertEquals(SocketState.DISCONNECTED, copy.getState(), "autoConnect false: no connecting");
    }

    @Test
    void deserializeOfSerializeReproducesEveryProperty() {
        TcpSocketImpl original = configured();
        TcpSocketImpl copy = fixture.tcpSocket();

        Map<String, Object> properties = original.serializeProperties();
        properties.put("someKeyNobodyKnows", "ignored");
        copy.deserializeProperties(properties);

        assertSameProperties(original, copy);
        assertTrue(properties.keySet().containsAll(List.of(SocketConfig.HOSTNAME, SocketConfig.PORT,
                SocketConfig.PROTOCOL, SocketConfig.AUTO_CONNECT, SocketConfig.KEEP_ALIVE,
                SocketConfig.LOW_DELAY, SocketConfig.TYPE_OF_SERVICE,
                SocketConfig.RECEIVE_BUFFER_SIZE, SocketConfig.SEND_BUFFER_SIZE,
                SocketConfig.MULTICAST_TTL, SocketConfig.MULTICAST_LOOPBACK, SocketConfig.PATH_MTU)),
                "seed properties in " + properties.keySet());
    }

    @Test
    void deserializeAcceptsStringValuesAsConfigurationFilesGiveThem() {
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(SocketConfig.AUTO_CONNECT, "false");
        properties.put(SocketConfig.HOSTNAME, "localhost");
        properties.put(SocketConfig.PORT, "502");
        properties.put(SocketConfig.PROTOCOL, "IPv4Protocol");
        properties.put(SocketConfig.KEEP_ALIVE, "true");
        properties.put(SocketConfig.LOW_DELAY, "true");
        properties.put(SocketConfig.TYPE_OF_SERVICE, "16");
        properties.put(SocketConfig.CONNECT_TIMEOUT, "2500");

        socket.deserializeProperties(properties);

        assertEquals("localhost", socket.getHostname());
        assertEquals(502, socket.getPort());
        assertEquals(NetworkProtocol.IPV4_PROTOCOL, socket.getProtocol());
        assertFalse(socket.isAutoConnect());
        assertTrue(socket.isKeepAlive());
        assertTrue(socket.isLowDelay());
        assertEquals(16, socket.getTypeOfService());
        assertEquals(2500, socket.getConnectTimeout());
        probe.await(() -> probe.propertyChanges(SocketConfig.PORT).stream()
                .anyMatch(c -> "502".equals(Objects.toString(c.newValue()))), WAIT,
                "propertyChanged(port -> 502)");

        socket.deserializeProperties(Map.of(SocketConfig.PROTOCOL, "1"));
        assertEquals(NetworkProtocol.IPV6_PROTOCOL, socket.getProtocol(), "protocol by number");
        socket.deserializeProperties(Map.of(SocketConfig.PORT, 503, SocketConfig.KEEP_ALIVE, false));
        assertEquals(503, socket.getPort(), "typed values too");
        assertFalse(socket.isKeepAlive());
        assertEquals(SocketState.DISCONNECTED, socket.getState());
    }

    @Test
    void oneBadValueAppliesNothing() {
        TcpSocketImpl socket = fixture.tcpSocket();
        socket.setHostname("before");
        socket.setPort(100);

        Map<String, Object> badPort = new HashMap<>();
        badPort.put(SocketConfig.HOSTNAME, "after");
        badPort.put(SocketConfig.KEEP_ALIVE, "true");
        badPort.put(SocketConfig.PORT, "not-a-number");
        assertThrows(IllegalArgumentException.class, () -> socket.deserializeProperties(badPort));

        Map<String, Object> badTos = new HashMap<>();
        badTos.put(SocketConfig.HOSTNAME, "after");
        badTos.put(SocketConfig.TYPE_OF_SERVICE, 300);
        assertThrows(IllegalArgumentException.class, () -> socket.deserializeProperties(badTos));

        assertThrows(IllegalArgumentException.class, () -> socket.fromJson(
                "{\"hostname\":\"after\",\"port\":101,\"protocol\":\"Bogus\"}"));
        assertThrows(IllegalArgumentException.class, () -> socket.fromJson(
                "{\"hostname\":\"after\",\"keepAlive\":\"maybe\"}"));
        assertThrows(IllegalArgumentException.class, () -> socket.fromJson("not json"));
        assertThrows(IllegalArgumentException.class, () -> socket.fromJson("[1, 2]"));

        assertEquals("before", socket.getHostname());
        assertEquals(100, socket.getPort());
        assertFalse(socket.isKeepAlive());
        assertEquals(0, socket.getTypeOfService());
        assertEquals(NetworkProtocol.ANY_IP_PROTOCOL, socket.getProtocol());
    }

    @Test
    void fromJsonKeepsAbsentMembersAndIgnoresUnknownOnes() {
        TcpSocketImpl socket = configured();

        socket.fromJson("{\"port\": 503, \"noSuchProperty\": [1, 2, 3]}");

        assertEquals(503, socket.getPort());
        assertEquals("plc.example", socket.getHostname());
        assertEquals(NetworkProtocol.IPV6_PROTOCOL, socket.getProtocol());
        assertTrue(socket.isKeepAlive());
    }

    @Test
    void autoConnectTrueRoundTrips() {
        TcpSocketImpl original = fixture.autoTcpSocket(); // no hostname and port: never connects
        TcpSocketImpl copy = fixture.tcpSocket();
        JsonElement auto = JsonParser.parseString(original.toJson()).getAsJsonObject()
                .get(SocketConfig.AUTO_CONNECT);
        assertTrue(auto.getAsBoolean());

        copy.fromJson(original.toJson());

        assertTrue(copy.isAutoConnect());
        assertEquals(-1, copy.getPort());
        assertEquals(SocketState.DISCONNECTED, copy.getState());
    }

    private static Map<String, Object> withoutId(Map<String, Object> properties) {
        Map<String, Object> copy = new HashMap<>(properties);
        copy.remove(SocketConfig.OBJECT_ID);
        return copy;
    }

    private static void assertSameProperties(TcpSocketImpl expected, TcpSocketImpl actual) {
        assertEquals(expected.getHostname(), actual.getHostname());
        assertEquals(expected.getPort(), actual.getPort());
        assertEquals(expected.getProtocol(), actual.getProtocol());
        assertEquals(expected.isAutoConnect(), actual.isAutoConnect());
        assertEquals(expected.isKeepAlive(), actual.isKeepAlive());
        assertEquals(expected.isLowDelay(), actual.isLowDelay());
        assertEquals(expected.getTypeOfService(), actual.getTypeOfService());
        assertEquals(expected.getReceiveBufferSize(), actual.getReceiveBufferSize());
        assertEquals(expected.getSendBufferSize(), actual.getSendBufferSize());
        assertEquals(expected.getMulticastTtl(), actual.getMulticastTtl());
        assertEquals(expected.isMulticastLoopback(), actual.isMulticastLoopback());
        assertEquals(expected.getPathMtu(), actual.getPathMtu());
        assertEquals(expected.getConnectTimeout(), actual.getConnectTimeout());
        assertEquals(expected.getReconnectMinInterval(), actual.getReconnectMinInterval());
        assertEquals(expected.getReconnectMaxInterval(), actual.getReconnectMaxInterval());
        assertEquals(expected.getReadBufferLimit(), actual.getReadBufferLimit());
        assertEquals(expected.getWriteBufferLimit(), actual.getWriteBufferLimit());
        assertEquals(expected.getMaxLineLength(), actual.getMaxLineLength());
        assertEquals(expected.getKeepAliveIdle(), actual.getKeepAliveIdle());
        assertEquals(expected.getKeepAliveInterval(), actual.getKeepAliveInterval());
        assertEquals(expected.getKeepAliveCount(), actual.getKeepAliveCount());
        assertEquals(expected.getLinger(), actual.getLinger());
        assertEquals(expected.getConnectionAttemptDelay(), actual.getConnectionAttemptDelay());
        assertEquals(expected.getLocalPort(), actual.getLocalPort());
        assertEquals(expected.getLocalAddress(), actual.getLocalAddress());
        assertEquals(expected.isReadOnly(), actual.isReadOnly());
    }
}
