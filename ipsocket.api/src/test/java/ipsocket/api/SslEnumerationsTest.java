package ipsocket.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The TLS enumerations keep Qt's values and names (CONTRACT.md §5) and parse as the others do. */
class SslEnumerationsTest {

    @Test
    void peerVerifyModeValuesAndNames() {
        assertEquals(PeerVerifyMode.VERIFY_NONE, PeerVerifyMode.fromValue(0));
        assertEquals(PeerVerifyMode.QUERY_PEER, PeerVerifyMode.fromSeedName("QueryPeer"));
        assertEquals(2, PeerVerifyMode.VERIFY_PEER.value());
        assertEquals(PeerVerifyMode.AUTO_VERIFY_PEER, PeerVerifyMode.parse(" AutoVerifyPeer "));
        assertEquals(PeerVerifyMode.AUTO_VERIFY_PEER, PeerVerifyMode.parse("3"));
        assertEquals(PeerVerifyMode.VERIFY_PEER, PeerVerifyMode.parse("VERIFY_PEER"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> PeerVerifyMode.parse("Trusting"));
        assertTrue(unknown.getMessage().contains("VerifyNone, QueryPeer, VerifyPeer or AutoVerifyPeer"),
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeerVerifyMode.fromValue(4));
        assertThrows(IllegalArgumentException.class, () -> PeerVerifyMode.parse(null));
    }

    @Test
    void sslModeValuesAndNames() {
        assertEquals(SslMode.UNENCRYPTED_MODE, SslMode.fromValue(0));
        assertEquals(SslMode.SSL_CLIENT_MODE, SslMode.parse("SslClientMode"));
        assertEquals("SslServerMode", SslMode.fromValue(2).seedName());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SslMode.fromValue(7)).getMessage()
                .contains("0, 1 or 2"));
    }
}
