package ipsocket.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/**
 * The runtime's members by name keep issue 14's rule for a duplicate objectId: the first owns the
 * name, a later claimant is not found until the holder leaves, then it is the one found; names are
 * per kind; a server's connections (no owner) never wait.
 */
class MembersTest {
    private static final String TCP = "ipsocket/TcpSocket/";
    private static final String UDP = "ipsocket/UdpSocket/";

    /** The owner of a member, as {@link SocketService} and {@link ServerService} are. */
    private static final class Owner extends ObjectIdClaim {
        Owner(String pid) {
            super(Map.of("service.pid", pid));
        }

        @Override
        void apply(Map<String, Object> properties) {
        }

        @Override
        void doRegister(BundleContext bundleContext) {
        }

        @Override
        void reportWaiting(String text) {
        }
    }

    @Test
    void aWaitingClaimantIsFoundOnlyOnceTheHolderLeaves() {
        Members members = new Members();
        Object first = new Object();
        Object second = new Object();
        Object third = new Object();
        Owner firstOwner = new Owner("first");
        Owner secondOwner = new Owner("second");
        assertNull(members.join(first, TCP, "twin", firstOwner), "the first owns the name");
        assertSame(firstOwner, members.join(second, TCP, "twin", secondOwner), "the second waits for the first");
        assertSame(firstOwner, members.join(third, TCP, "twin", new Owner("third")), "so does the third");
        assertSame(first, members.find(TCP, "twin"));

        assertSame(secondOwner, members.leave(first, TCP, "twin"), "the first waiting claimant is started");
        assertSame(second, members.find(TCP, "twin"), "and owns the name now");
        assertNull(members.leave(first, TCP, "twin"), "leaving twice starts nothing");

        assertNull(members.leave(third, TCP, "twin"), "a waiting one leaving hands nothing over");
        assertSame(second, members.find(TCP, "twin"));
        assertNull(members.leave(second, TCP, "twin"));
        assertNull(members.find(TCP, "twin"), "a name nobody has");
    }

    @Test
    void namesArePerKindAndConnectionsNeverWait() {
        Members members = new Members();
        Object tcp = new Object();
        Object udp = new Object();
        assertNull(members.join(tcp, TCP, "meter", new Owner("tcp")));
        assertNull(members.join(udp, UDP, "meter", new Owner("udp")), "another kind, another name");
        assertSame(tcp, members.find(TCP, "meter"));
        assertSame(udp, members.find(UDP, "meter"));
        assertNull(members.find("ipsocket/TcpServer/", "meter"));

        Object connection = new Object();
        Object sameNamedConnection = new Object();
        assertNull(members.join(connection, TCP, "srv/127.0.0.1:1", null));
        assertNull(members.join(sameNamedConnection, TCP, "srv/127.0.0.1:1", null), "a connection never waits");
        assertSame(connection, members.find(TCP, "srv/127.0.0.1:1"), "the first added is found first");
        assertNull(members.leave(connection, TCP, "srv/127.0.0.1:1"));
        assertSame(sameNamedConnection, members.find(TCP, "srv/127.0.0.1:1"));

        List<Object> all = new ArrayList<>();
        members.forEach((member, kind) -> all.add(kind + member));
        assertEquals(3, all.size(), "every member, waiting or live: " + all);
    }
}
