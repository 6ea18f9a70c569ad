package ipsocket.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Topic patterns match as EventAdmin matches them, and the answers follow handlers coming and going. */
class SubscriptionsTest {

    @Test
    void exactPrefixAndCatchAllPatterns() {
        Subscriptions subscriptions = new Subscriptions();
        assertFalse(subscriptions.wants("ipsocket/TcpSocket/READY_READ"), "nobody subscribed yet");

        Object exact = new Object();
        subscriptions.put(exact, new String[] {"ipsocket/TcpSocket/CONNECTED"});
        assertTrue(subscriptions.wants("ipsocket/TcpSocket/CONNECTED"));
        assertFalse(subscriptions.wants("ipsocket/TcpSocket/READY_READ"));

        Object prefix = new Object();
        subscriptions.put(prefix, new String[] {"ipsocket/UdpSocket/*"});
        assertTrue(subscriptions.wants("ipsocket/UdpSocket/DATAGRAM_RECEIVED"));
        assertFalse(subscriptions.wants("ipsocket/TcpSocket/READY_READ"));
        assertFalse(subscriptions.wants("ipsocket/UdpSocketX/READY_READ"), "a prefix ends at a slash");

        Object all = new Object();
        subscriptions.put(all, new String[] {"*"});
        assertTrue(subscriptions.wants("ipsocket/TcpSocket/READY_READ"));
        subscriptions.remove(all);
        assertFalse(subscriptions.wants("ipsocket/TcpSocket/READY_READ"), "the answer follows the handlers");
        subscriptions.remove(prefix);
        assertFalse(subscriptions.wants("ipsocket/UdpSocket/DATAGRAM_RECEIVED"));
    }

    @Test
    void topicPropertiesInEveryShape() {
        assertArrayEquals(new String[] {"a/*"}, Subscriptions.patterns("a/*"));
        assertArrayEquals(new String[] {"a", "b"}, Subscriptions.patterns(new String[] {"a", "b"}));
        assertArrayEquals(new String[] {"a", "b"}, Subscriptions.patterns(List.of("a", "b")));
        assertArrayEquals(new String[0], Subscriptions.patterns(null));
    }
}
