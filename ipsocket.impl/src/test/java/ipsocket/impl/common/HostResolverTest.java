package ipsocket.impl.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;

import ipsocket.api.NetworkProtocol;

/** Address order for connecting (RFC 8305: families interleaved, IPv6 first) and protocol filters. */
class HostResolverTest {

    @Test
    void familiesAreInterleavedIpv6First() throws Exception {
        List<InetAddress> resolved = List.of(ip("127.0.0.1"), ip("127.0.0.2"), ip("::1"), ip("127.0.0.3"),
                ip("fe80::1"));
        assertEquals(List.of(ip("::1"), ip("127.0.0.1"), ip("fe80::1"), ip("127.0.0.2"), ip("127.0.0.3")),
                HostResolver.order(resolved, NetworkProtocol.ANY_IP_PROTOCOL));
    }

    @Test
    void aProtocolKeepsItsFamilyOnly() throws Exception {
        List<InetAddress> resolved = List.of(ip("127.0.0.1"), ip("::1"));
        assertEquals(List.of(ip("127.0.0.1")), HostResolver.order(resolved, NetworkProtocol.IPV4_PROTOCOL));
        assertEquals(List.of(ip("::1")), HostResolver.order(resolved, NetworkProtocol.IPV6_PROTOCOL));
    }

    @Test
    void literalsNeedNoLookupAndScopesSurvive() throws Exception {
        assertEquals(false, HostResolver.needsLookup("127.0.0.1"));
        assertEquals(false, HostResolver.needsLookup("::1"));
        assertEquals(false, HostResolver.needsLookup("fe80::1%1"));
        assertEquals(true, HostResolver.needsLookup("localhost"));
        assertEquals(List.of(ip("::1")), HostResolver.resolve("::1", NetworkProtocol.ANY_IP_PROTOCOL));
    }

    @Test
    void aLiteralOfTheWrongFamilyIsNotFound() {
        UnknownHostException thrown = assertThrows(UnknownHostException.class,
                () -> HostResolver.resolve("::1", NetworkProtocol.IPV4_PROTOCOL));
        assertEquals(true, thrown.getMessage().contains("no IPv4 address"), thrown.getMessage());
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
