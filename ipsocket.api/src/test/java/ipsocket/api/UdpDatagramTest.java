package ipsocket.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class UdpDatagramTest {

    @Test
    void defaultsAreUnset() {
        UdpDatagram datagram = UdpDatagram.of(new byte[] {1, 2, 3});
        assertEquals("", datagram.getSenderAddress());
        assertEquals(UdpDatagram.NO_PORT, datagram.getSenderPort());
        assertEquals("", datagram.getDestinationAddress());
        assertEquals(UdpDatagram.NO_PORT, datagram.getDestinationPort());
        assertEquals(UdpDatagram.DEFAULT_HOP_LIMIT, datagram.getHopLimit());
        assertEquals(3, datagram.size());
        assertFalse(datagram.hasDestination());
    }

    @Test
    void portsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> UdpDatagram.to("127.0.0.1", 65536, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> UdpDatagram.to("127.0.0.1", -2, new byte[0]));
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> UdpDatagram.builder().sender("127.0.0.1", 70000));
        assertTrue(thrown.getMessage().contains("senderPort 70000"), thrown.getMessage());
        assertEquals(65535, UdpDatagram.to("::1", 65535, new byte[0]).getDestinationPort());
        assertEquals(0, UdpDatagram.builder().sender("::1", 0).build().getSenderPort());
    }

    @Test
    void hopLimitIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> UdpDatagram.builder().hopLimit(0));
        assertThrows(IllegalArgumentException.class, () -> UdpDatagram.builder().hopLimit(256));
        assertThrows(IllegalArgumentException.class, () -> UdpDatagram.builder().hopLimit(-2));
        assertEquals(1, UdpDatagram.builder().hopLimit(1).build().getHopLimit());
        assertEquals(255, UdpDatagram.builder().hopLimit(255).build().getHopLimit());
        assertEquals(-1, UdpDatagram.builder().hopLimit(-1).build().getHopLimit());
    }

    @Test
    void payloadIsCopiedInAndOut() {
        byte[] source = {1, 2, 3};
        UdpDatagram datagram = UdpDatagram.to("127.0.0.1", 9, source);
        source[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, datagram.getPayload());
        datagram.getPayload()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, datagram.getPayload());
        ByteBuffer view = datagram.getPayloadBuffer();
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 7));
    }

    @Test
    void builderReuseDoesNotChangeBuiltDatagrams() {
        UdpDatagram.Builder builder = UdpDatagram.builder().payload("one").destination("::1", 5);
        UdpDatagram first = builder.build();
        builder.payload("two").destination("127.0.0.1", 6).hopLimit(3);
        assertEquals("one", first.getPayloadText());
        assertEquals("::1", first.getDestinationAddress());
        assertEquals(5, first.getDestinationPort());
        assertEquals(-1, first.getHopLimit());
    }

    @Test
    void textIsUtf8() {
        UdpDatagram datagram = UdpDatagram.builder().payload("grüße").build();
        assertArrayEquals("grüße".getBytes(StandardCharsets.UTF_8), datagram.getPayload());
        assertEquals("grüße", datagram.getPayloadText());
    }

    @Test
    void equalityCoversEveryField() {
        UdpDatagram base = UdpDatagram.builder().payload("x").sender("10.0.0.1", 1)
                .destination("127.0.0.1", 2).hopLimit(4).build();
        assertEquals(base, base.toBuilder().build());
        assertEquals(base.hashCode(), base.toBuilder().build().hashCode());
        assertNotEquals(base, base.toBuilder().payload("y").build());
        assertNotEquals(base, base.toBuilder().sender("10.0.0.1", 3).build());
        assertNotEquals(base, base.toBuilder().destination("127.0.0.2", 2).build());
        assertNotEquals(base, base.toBuilder().hopLimit(5).build());
        assertTrue(base.hasDestination());
        assertTrue(base.toString().contains("1 bytes"));
    }
}
