package ipsocket.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

import ipsocket.api.IoDevice;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketPids;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpSocket;

/**
 * Proves that the metatype of the implementation bundle, read back through the framework's
 * {@link MetaTypeService}, describes the factory PIDs {@code ipsocket.TcpSocket} and
 * {@code ipsocket.UdpSocket} and the PID {@code ipsocket.EventLoop}: every configuration key a
 * live socket has (its {@code serializeProperties()} keys) has an attribute, with the seed's
 * defaults (port -1, autoConnect true, protocol AnyIPProtocol, options off, sizes 0), the
 * protocol options, port range validation, the contract's extra keys, and the web console name
 * hint.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetatypeIT extends SocketTestSupport {

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    private MetaTypeInformation information() throws Exception {
        MetaTypeService metaType = awaitService(MetaTypeService.class, null, TIMEOUT);
        MetaTypeInformation information = metaType.getMetaTypeInformation(implBundle());
        assertNotNull("no metatype information for " + IMPL_BUNDLE, information);
        return information;
    }

    private static Map<String, AttributeDefinition> attributes(ObjectClassDefinition ocd) {
        Map<String, AttributeDefinition> byId = new LinkedHashMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            byId.put(ad.getID(), ad);
        }
        return byId;
    }

    private static void assertAttribute(Map<String, AttributeDefinition> ads, String id, int type, String... defaults) {
        AttributeDefinition ad = ads.get(id);
        assertNotNull("no attribute " + id + " in " + ads.keySet(), ad);
        assertEquals("type of " + id, type, ad.getType());
        assertNotNull("name of " + id, ad.getName());
        assertFalse("name of " + id, ad.getName().isBlank());
        assertNotNull("description of " + id, ad.getDescription());
        assertArrayEquals("default of " + id + ": " + Arrays.toString(ad.getDefaultValue()), defaults,
                ad.getDefaultValue());
    }

    /** The PIDs: two factory PIDs and the event loop's singleton PID. */
    @Test
    public void pidsAreDescribed() throws Exception {
        MetaTypeInformation information = information();
        Set<String> factoryPids = new TreeSet<>(Arrays.asList(information.getFactoryPids()));
        assertTrue(factoryPids.toString(), factoryPids.contains(SocketPids.TCP_SOCKET));
        assertTrue(factoryPids.toString(), factoryPids.contains(SocketPids.UDP_SOCKET));
        Set<String> pids = new TreeSet<>(Arrays.asList(information.getPids()));
        assertTrue(pids.toString(), pids.contains(SocketPids.EVENT_LOOP));
    }

    /** The TCP attributes with the seed's defaults, protocol options and the port range. */
    @Test
    public void tcpSocketAttributes() throws Exception {
        ObjectClassDefinition ocd = information().getObjectClassDefinition(SocketPids.TCP_SOCKET, null);
        assertNotNull(ocd);
        assertEquals(SocketPids.TCP_SOCKET, ocd.getID());
        assertFalse(ocd.getName().isBlank());
        Map<String, AttributeDefinition> ads = attributes(ocd);
        assertCommonAttributes(ads);
        assertAttribute(ads, SocketConfig.KEEP_ALIVE_IDLE, AttributeDefinition.INTEGER, "0");
        assertAttribute(ads, SocketConfig.LINGER, AttributeDefinition.INTEGER, "-1");
        assertAttribute(ads, SocketConfig.CONNECTION_ATTEMPT_DELAY, AttributeDefinition.INTEGER, "250");
        assertFalse("a TCP socket has no multicastGroups", ads.containsKey(SocketConfig.MULTICAST_GROUPS));
    }

    /** The UDP attributes, with multicast groups as a multi-valued String. */
    @Test
    public void udpSocketAttributes() throws Exception {
        ObjectClassDefinition ocd = information().getObjectClassDefinition(SocketPids.UDP_SOCKET, null);
        assertNotNull(ocd);
        assertEquals(SocketPids.UDP_SOCKET, ocd.getID());
        Map<String, AttributeDefinition> ads = attributes(ocd);
        assertCommonAttributes(ads);
        AttributeDefinition groups = ads.get(SocketConfig.MULTICAST_GROUPS);
        assertNotNull("no multicastGroups in " + ads.keySet(), groups);
        assertEquals(AttributeDefinition.STRING, groups.getType());
        assertNotEquals("multicastGroups is multi-valued", 0, groups.getCardinality());
        assertAttribute(ads, SocketConfig.MULTICAST_INTERFACE, AttributeDefinition.STRING, "");
        assertAttribute(ads, SocketConfig.BROADCAST, AttributeDefinition.BOOLEAN, "false");
        assertAttribute(ads, SocketConfig.RECEIVE_QUEUE_LIMIT, AttributeDefinition.INTEGER, "1024");
        assertFalse("a UDP socket has no linger", ads.containsKey(SocketConfig.LINGER));
    }

    /** The TCP server's attributes: loopback by default, the port required, the safe limits. */
    @Test
    public void tcpServerAttributes() throws Exception {
        MetaTypeInformation information = information();
        assertTrue(Arrays.asList(information.getFactoryPids()).contains(SocketPids.TCP_SERVER));
        ObjectClassDefinition ocd = information.getObjectClassDefinition(SocketPids.TCP_SERVER, null);
        assertNotNull(ocd);
        Map<String, AttributeDefinition> ads = attributes(ocd);
        assertAttribute(ads, SocketConfig.OBJECT_ID, AttributeDefinition.STRING, "");
        assertAttribute(ads, SocketConfig.LOCAL_ADDRESS, AttributeDefinition.STRING, "127.0.0.1");
        assertAttribute(ads, SocketConfig.LOCAL_PORT, AttributeDefinition.INTEGER, "-1");
        assertAttribute(ads, SocketConfig.MAX_PENDING_CONNECTIONS, AttributeDefinition.INTEGER, "30");
        assertAttribute(ads, SocketConfig.MAX_CONNECTIONS, AttributeDefinition.INTEGER, "64");
        assertAttribute(ads, SocketConfig.CLOSE_CONNECTIONS_ON_CLOSE, AttributeDefinition.BOOLEAN, "false");
        assertNotEquals("allowedPeers is multi-valued", 0, ads.get(SocketConfig.ALLOWED_PEERS).getCardinality());
        assertAttribute(ads, SocketConfig.LOW_DELAY, AttributeDefinition.BOOLEAN, "false");
        assertAttribute(ads, SocketConfig.KEEP_ALIVE_IDLE, AttributeDefinition.INTEGER, "0");
        assertAttribute(ads, SocketConfig.MAX_LINE_LENGTH, AttributeDefinition.INTEGER, "65535");
        assertFalse("a server has no hostname", ads.containsKey(SocketConfig.HOSTNAME));
        assertFalse("a server does not reconnect", ads.containsKey(SocketConfig.AUTO_CONNECT));
    }

    private static void assertCommonAttributes(Map<String, AttributeDefinition> ads) {
        assertAttribute(ads, SocketConfig.OBJECT_ID, AttributeDefinition.STRING, "");
        assertAttribute(ads, SocketConfig.HOSTNAME, AttributeDefinition.STRING, "");
        assertAttribute(ads, SocketConfig.PORT, AttributeDefinition.INTEGER, "-1");
        assertAttribute(ads, SocketConfig.PROTOCOL, AttributeDefinition.STRING, "AnyIPProtocol");
        assertAttribute(ads, SocketConfig.AUTO_CONNECT, AttributeDefinition.BOOLEAN, "true");
        assertAttribute(ads, SocketConfig.KEEP_ALIVE, AttributeDefinition.BOOLEAN, "false");
        assertAttribute(ads, SocketConfig.LOW_DELAY, AttributeDefinition.BOOLEAN, "false");
        assertAttribute(ads, SocketConfig.MULTICAST_LOOPBACK, AttributeDefinition.BOOLEAN, "false");
        assertAttribute(ads, SocketConfig.MULTICAST_TTL, AttributeDefinition.INTEGER, "0");
        assertAttribute(ads, SocketConfig.PATH_MTU, AttributeDefinition.INTEGER, "0");
        assertAttribute(ads, SocketConfig.RECEIVE_BUFFER_SIZE, AttributeDefinition.INTEGER, "0");
        assertAttribute(ads, SocketConfig.SEND_BUFFER_SIZE, AttributeDefinition.INTEGER, "0");
        assertAttribute(ads, SocketConfig.TYPE_OF_SERVICE, AttributeDefinition.INTEGER, "0");
        assertAttribute(ads, SocketConfig.LOCAL_ADDRESS, AttributeDefinition.STRING, "");
        assertAttribute(ads, SocketConfig.LOCAL_PORT, AttributeDefinition.INTEGER, "0");
        assertAttribute(ads, SocketConfig.CONNECT_TIMEOUT, AttributeDefinition.INTEGER, "30000");
        assertAttribute(ads, SocketConfig.RECONNECT_MIN_INTERVAL, AttributeDefinition.INTEGER, "1000");
        assertAttribute(ads, SocketConfig.RECONNECT_MAX_INTERVAL, AttributeDefinition.INTEGER, "60000");
        assertAttribute(ads, SocketConfig.PUBLISH_DATA, AttributeDefinition.BOOLEAN, "false");

        AttributeDefinition protocol = ads.get(SocketConfig.PROTOCOL);
        assertNotNull("protocol has options", protocol.getOptionValues());
        Set<String> values = new TreeSet<>(Arrays.asList(protocol.getOptionValues()));
        assertEquals(new TreeSet<>(List.of("AnyIPProtocol", "IPv4Protocol", "IPv6Protocol")), values);
        assertEquals("a label per option", protocol.getOptionValues().length, protocol.getOptionLabels().length);

        AttributeDefinition port = ads.get(SocketConfig.PORT);
        assertEquals("port 502 is valid", "", port.validate("502"));
        String tooLarge = port.validate("70000");
        assertNotNull("port is validated", tooLarge);
        assertFalse("port 70000 is out of range", tooLarge.isEmpty());

        AttributeDefinition nameHint = ads.get("webconsole.configurationFactory.nameHint");
        assertNotNull("no web console name hint in " + ads.keySet(), nameHint);
        assertTrue(Arrays.toString(nameHint.getDefaultValue()),
                nameHint.getDefaultValue() != null && nameHint.getDefaultValue()[0].contains("{objectId}"));
    }

    /** Every key a live socket serializes is described, and every described key is one it has. */
    @Test
    public void everyKeyOfALiveSocketHasMetatype() throws Exception {
        MetaTypeInformation information = information();
        TcpPeer peer = tcpPeer();
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("meta-tcp", peer.port()));
        createFactoryConfiguration(SocketPids.UDP_SOCKET, props(SocketConfig.OBJECT_ID, "meta-udp"));
        assertSameKeys(awaitService(TcpSocket.class, "(objectId=meta-tcp)", TIMEOUT),
                information.getObjectClassDefinition(SocketPids.TCP_SOCKET, null));
        assertSameKeys(awaitService(UdpSocket.class, "(objectId=meta-udp)", TIMEOUT),
                information.getObjectClassDefinition(SocketPids.UDP_SOCKET, null));
    }

    private static void assertSameKeys(IoDevice socket, ObjectClassDefinition ocd) {
        Set<String> keys = new TreeSet<>(socket.serializeProperties().keySet());
        Set<String> described = new TreeSet<>(attributes(ocd).keySet());
        described.remove("webconsole.configurationFactory.nameHint");
        Set<String> undescribed = new TreeSet<>(keys);
        undescribed.removeAll(described);
        assertTrue(ocd.getID() + ": keys without metatype: " + undescribed, undescribed.isEmpty());
        Set<String> unknown = new TreeSet<>(described);
        unknown.removeAll(keys);
        assertTrue(ocd.getID() + ": metatype for keys the socket does not have: " + unknown, unknown.isEmpty());
    }

    /** The event loop's PID: ioThreads, default 1, range 1 to 64. */
    @Test
    public void eventLoopAttributes() throws Exception {
        ObjectClassDefinition ocd = information().getObjectClassDefinition(SocketPids.EVENT_LOOP, null);
        assertNotNull(ocd);
        Map<String, AttributeDefinition> ads = attributes(ocd);
        assertAttribute(ads, SocketConfig.IO_THREADS, AttributeDefinition.INTEGER, "1");
        assertEquals("", ads.get(SocketConfig.IO_THREADS).validate("4"));
        assertFalse(ads.get(SocketConfig.IO_THREADS).validate("65").isEmpty());
    }
}
