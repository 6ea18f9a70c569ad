package ipsocket.impl.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketState;
import ipsocket.impl.testing.SocketFixture;

/**
 * Proves the UDP keys of toJson/fromJson and serializeProperties/deserializeProperties:
 * multicastGroups as an array (or a comma-separated String from configuration files),
 * multicastInterface, broadcast and receiveQueueLimit, with bad groups refused as a whole.
 * The sockets keep autoConnect off so that nothing binds or joins.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpJsonTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private UdpSocketImpl configured() {
        UdpSocketImpl socket = fixture.udpSocket();
        socket.setMulticastGroups(List.of("239.255.77.1", "ff02::fb"));
        socket.setMulticastInterface("lo");
        socket.setBroadcast(true);
        socket.setReceiveQueueLimit(7);
        socket.setMulticastTtl(4);
        socket.setMulticastLoopback(true);
        socket.setLocalAddress("127.0.0.1");
        socket.setLocalPort(40000);
        return socket;
    }

    @Test
    void toJsonCarriesTheUdpKeys() {
        UdpSocketImpl socket = configured();
        JsonObject json = JsonParser.parseString(socket.toJson()).getAsJsonObject();

        assertTrue(json.get(SocketConfig.MULTICAST_GROUPS).isJsonArray(), json::toString);
        JsonArray groups = json.getAsJsonArray(SocketConfig.MULTICAST_GROUPS);
        assertEquals(2, groups.size());
        assertEquals("239.255.77.1", groups.get(0).getAsString());
        assertEquals("ff02::fb", groups.get(1).getAsString());
        assertEquals("lo", json.get(SocketConfig.MULTICAST_INTERFACE).getAsString());
        assertEquals(true, json.get(SocketConfig.BROADCAST).getAsBoolean());
        assertEquals(7, json.get(SocketConfig.RECEIVE_QUEUE_LIMIT).getAsInt());
        assertEquals(4, json.get(SocketConfig.MULTICAST_TTL).getAsInt());
        assertEquals(true, json.get(SocketConfig.MULTICAST_LOOPBACK).getAsBoolean());
        assertEquals("127.0.0.1", json.get(SocketConfig.LOCAL_ADDRESS).getAsString());
        assertEquals(40000, json.get(SocketConfig.LOCAL_PORT).getAsInt());
        assertEquals(socket.getObjectId(), json.get(SocketConfig.OBJECT_ID).getAsString());
    }

    @Test
    void serializePropertiesCarriesTheGroupsAsAStringArray() {
        Map<String, Object> map = configured().serializeProperties();
        Object groups = map.get(SocketConfig.MULTICAST_GROUPS);
        assertTrue(groups instanceof String[], "multicastGroups is " + (groups == null ? null : groups.getClass()));
        assertArrayEquals(new String[] {"239.255.77.1", "ff02::fb"}, (String[]) groups);
        assertEquals(true, map.get(SocketConfig.BROADCAST));
        assertEquals("lo", map.get(SocketConfig.MULTICAST_INTERFACE));
        assertEquals(7, map.get(SocketConfig.RECEIVE_QUEUE_LIMIT));
    }

    @Test
    void defaultsSerializeAsEmpty() {
        Map<String, Object> map = fixture.udpSocket().serializeProperties();
        assertArrayEquals(new String[0], (String[]) map.get(SocketConfig.MULTICAST_GROUPS));
        assertEquals("", map.get(SocketConfig.MULTICAST_INTERFACE));
        assertEquals(false, map.get(SocketConfig.BROADCAST));
        assertEquals(1024, map.get(SocketConfig.RECEIVE_QUEUE_LIMIT));
    }

    @Test
    void jsonAndPropertiesRoundTrip() {
        UdpSocketImpl source = configured();
        UdpSocketImpl fromJson = fixture.udpSocket();
        fromJson.fromJson(source.toJson());
        UdpSocketImpl fromMap = fixture.udpSocket();
        fromMap.deserializeProperties(source.serializeProperties());

        for (UdpSocketImpl copy : List.of(fromJson, fromMap)) {
            assertEquals(List.of("239.255.77.1", "ff02::fb"), copy.getMulticastGroups());
            assertEquals("lo", copy.getMulticastInterface());
            assertEquals(true, copy.isBroadcast());
            assertEquals(7, copy.getReceiveQueueLimit());
            assertEquals(4, copy.getMulticastTtl());
            assertEquals(40000, copy.getLocalPort());
            Map<String, Object> expected = new HashMap<>(source.serializeProperties());
            Map<String, Object> actual = new HashMap<>(copy.serializeProperties());
            expected.remove(SocketConfig.OBJECT_ID);
            actual.remove(SocketConfig.OBJECT_ID);
            assertEquals(JsonParser.parseString(ipsocket.impl.common.JsonProperties.toJson(expected)),
                    JsonParser.parseString(ipsocket.impl.common.JsonProperties.toJson(actual)));
            assertEquals(SocketState.DISCONNECTED, copy.getState(), "autoConnect off: nothing binds");
        }
    }

    @Test
    void groupsFromAConfigurationStringAreSplitAtCommas() {
        UdpSocketImpl socket = fixture.udpSocket();
        socket.deserializeProperties(Map.of(SocketConfig.MULTICAST_GROUPS, "239.1.1.1,239.1.1.2",
                SocketConfig.BROADCAST, "true", SocketConfig.RECEIVE_QUEUE_LIMIT, "16"));
        assertEquals(List.of("239.1.1.1", "239.1.1.2"), socket.getMulticastGroups());
        assertEquals(true, socket.isBroadcast());
        assertEquals(16, socket.getReceiveQueueLimit());

        socket.deserializeProperties(Map.of(SocketConfig.MULTICAST_GROUPS, " 239.1.1.3 , ff02::1:3 "));
        assertEquals(List.of("239.1.1.3", "ff02::1:3"), socket.getMulticastGroups());
        socket.fromJson("{\"multicastGroups\":[\"239.1.1.4\"]}");
        assertEquals(List.of("239.1.1.4"), socket.getMulticastGroups());
        socket.deserializeProperties(Map.of(SocketConfig.MULTICAST_GROUPS, ""));
        assertEquals(List.of(), socket.getMulticastGroups());
    }

    @Test
    void aGroupThatIsNoMulticastAddressIsRefusedAndNothingChanges() {
        UdpSocketImpl socket = fixture.udpSocket();
        socket.setMulticastGroups(List.of("239.1.1.1"));

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> socket.setMulticastGroups(List.of("239.1.1.2", "10.1.2.3")));
        assertTrue(bad.getMessage().contains("10.1.2.3"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> socket.setMulticastGroups(List.of("not-an-ip")));
        assertThrows(IllegalArgumentException.class, () -> socket.setMulticastGroups(List.of("fe80::1")));
        assertThrows(IllegalArgumentException.class, () -> socket.deserializeProperties(
                Map.of(SocketConfig.MULTICAST_GROUPS, "239.1.1.2,127.0.0.1", SocketConfig.BROADCAST, true)));
        assertThrows(IllegalArgumentException.class,
                () -> socket.fromJson("{\"multicastGroups\":[\"192.168.1.1\"],\"receiveQueueLimit\":9}"));

        assertEquals(List.of("239.1.1.1"), socket.getMulticastGroups());
        assertEquals(false, socket.isBroadcast());
        assertEquals(1024, socket.getReceiveQueueLimit());
    }

    @Test
    void groupsAreImmutable() {
        UdpSocketImpl socket = fixture.udpSocket();
        socket.setMulticastGroups(new java.util.ArrayList<>(List.of("239.1.1.1")));
        assertThrows(UnsupportedOperationException.class, () -> socket.getMulticastGroups().add("239.1.1.2"));
        socket.setMulticastGroups(null);
        assertEquals(List.of(), socket.getMulticastGroups());
    }
}
