package ipsocket.impl.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

class CidrBlockTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void ipv4BlocksMatchTheirPrefix() throws UnknownHostException {
        CidrBlock block = CidrBlock.parse("192.168.1.0/24");
        assertTrue(block.contains(ip("192.168.1.200")));
        assertFalse(block.contains(ip("192.168.2.1")));
        assertTrue(CidrBlock.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
        assertTrue(CidrBlock.parse("10.1.2.3").contains(ip("10.1.2.3")), "no length: one address");
        assertFalse(CidrBlock.parse("10.1.2.3").contains(ip("10.1.2.4")));
        assertTrue(CidrBlock.parse("10.1.2.3/8").contains(ip("10.200.0.1")), "host bits are ignored");
        assertEquals("10.0.0.0/8", CidrBlock.parse("10.1.2.3/8").toString());
    }

    @Test
    void ipv6BlocksMatchTheirPrefixAndNotIpv4() throws UnknownHostException {
        assertTrue(CidrBlock.parse("::1/128").contains(ip("::1")));
        assertTrue(CidrBlock.parse("fd00::/8").contains(ip("fd12:3456::1")));
        assertFalse(CidrBlock.parse("fd00::/8").contains(ip("fe80::1")));
        assertFalse(CidrBlock.parse("::/0").contains(ip("127.0.0.1")), "families do not mix");
        assertTrue(CidrBlock.parse("2001:db8::/33").contains(ip("2001:db8:7fff::1")));
        assertFalse(CidrBlock.parse("2001:db8::/33").contains(ip("2001:db8:8000::1")));
    }

    @Test
    void ipv4MappedPeersMatchIpv4Blocks() throws UnknownHostException {
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
            (byte) 0xff, 127, 0, 0, 1});
        assertTrue(CidrBlock.parse("127.0.0.0/8").contains(mapped));
    }

    @Test
    void badBlocksAreRefusedNamingTheEntry() {
        for (String bad : new String[] {"10.0.0.0/33", "::/129", "host.example", "10.0.0.0/", "10.0.0.0/x",
            "fe80::1%eth0/64", ""}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> CidrBlock.require(bad), bad);
            assertTrue(refused.getMessage().contains("allowedPeers entry '" + bad + "'"), refused.getMessage());
        }
    }
}
