package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.function.ToLongFunction;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.itest.consumer.SocketConsumer;

/**
 * Proves the contract's promise to gateway bundles (CONTRACT.md §2): a bundle built at test
 * time with TinyBundles and bnd, holding one DS component that says
 * {@code @Reference(target = "(objectId=consumer-plc)") TcpSocket plc}, is hot-deployed into
 * the running framework; its component waits (unsatisfied) until a configuration creates that
 * socket, then gets it and writes through it to a loopback peer; deleting the configuration
 * takes the component down, and a new configuration with the same objectId brings it back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsumerBundleIT extends SocketTestSupport {
    /** System property naming the consumer bundle's URL, set by the configuration below. */
    private static final String CONSUMER_JAR = "ipsocket.itest.consumer.jar";
    private static final String CONSUMER_FILTER = "(" + SocketConsumer.MARKER + "=true)";

    private Bundle consumer;

    /**
     * Builds the consumer bundle (in the test JVM, before the framework starts) and returns the
     * framework set-up, with the bundle's location as a system property.
     *
     * @return the shared options plus the consumer's location
     * @throws IOException if the bundle cannot be written
     */
    @Configuration
    public Option[] configuration() throws IOException {
        Path jar = new File("target/consumer-bundle/ipsocket.itest.consumer.jar").toPath().toAbsolutePath();
        Files.createDirectories(jar.getParent());
        try (InputStream bundle = TinyBundles.bundle()
                .symbolicName("ipsocket.itest.consumer")
                .setHeader("Bundle-Version", "1.0.0")
                .addClass(SocketConsumer.class)
                .build(TinyBundles.bndBuilder())) {
            Files.copy(bundle, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        return OptionUtils.combine(baseOptions(), systemProperty(CONSUMER_JAR).value(jar.toUri().toString()));
    }

    /**
     * Uninstalls the consumer bundle.
     *
     * @throws BundleException if it cannot be uninstalled
     */
    @After
    public void uninstallConsumer() throws BundleException {
        if (consumer != null && consumer.getState() != Bundle.UNINSTALLED) {
            consumer.uninstall();
        }
    }

    /** Hot-deploy the consumer; it gets its socket by objectId when the socket appears and writes through it. */
    @Test
    public void consumerBundleUsesSocketByObjectId() throws Exception {
        TcpPeer peer = tcpPeer();
        String location = System.getProperty(CONSUMER_JAR);
        assertNotNull("system property " + CONSUMER_JAR, location);
        consumer = bundleContext.installBundle(location);
        consumer.start();
        assertEquals(Bundle.ACTIVE, consumer.getState());
        String serviceComponent = consumer.getHeaders().get("Service-Component");
        assertNotNull("bnd generated no component XML for the consumer", serviceComponent);
        assertTrue(consumer.getHeaders().get("Import-Package"), consumer.getHeaders().get("Import-Package").contains("ipsocket.api"));

        // No socket yet: the consumer's reference is unsatisfied, its service absent.
        ServiceComponentRuntime scr = awaitService(ServiceComponentRuntime.class, null, TIMEOUT);
        ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(consumer, SocketConsumer.class.getName());
        assertNotNull("consumer component " + SocketConsumer.class.getName() + " not found", description);
        awaitCondition(() -> componentState(scr, description) == ComponentConfigurationDTO.UNSATISFIED_REFERENCE,
                TIMEOUT, "consumer unsatisfied while there is no socket");
        assertTrue(serviceReferences(ToLongFunction.class, CONSUMER_FILTER).isEmpty());

        // The socket's configuration arrives: the consumer gets it and writes through it.
        org.osgi.service.cm.Configuration configuration =
                createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(SocketConsumer.OBJECT_ID, peer.port()));
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + SocketConsumer.OBJECT_ID + ")", TIMEOUT);
        TcpPeer.Connection connection = peer.awaitConnection(0, TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "socket connected");
        ToLongFunction<String> write = writer();
        String text = "hello from a consumer bundle\n";
        assertEquals(text.length(), write.applyAsLong(text));
        peer.awaitReceived(connection, text, TIMEOUT);

        // The configuration goes: the consumer goes with its socket.
        deleteConfiguration(configuration);
        awaitNoService(ToLongFunction.class, CONSUMER_FILTER);
        peer.await(() -> peer.endOfStream(connection), TIMEOUT, "end of stream after delete");

        // A new configuration with the same objectId: the consumer comes back with the new socket.
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(SocketConsumer.OBJECT_ID, peer.port()));
        TcpSocket second = awaitService(TcpSocket.class, "(objectId=" + SocketConsumer.OBJECT_ID + ")", TIMEOUT);
        TcpPeer.Connection secondConnection = peer.awaitConnection(1, TIMEOUT);
        awaitCondition(() -> second.getState() == SocketState.CONNECTED, TIMEOUT, "second socket connected");
        assertEquals(6L, writer().applyAsLong("again\n"));
        peer.awaitReceived(secondConnection, "again\n", TIMEOUT);
    }

    @SuppressWarnings("unchecked")
    private ToLongFunction<String> writer() throws Exception {
        awaitService(ToLongFunction.class, CONSUMER_FILTER, TIMEOUT);
        Collection<org.osgi.framework.ServiceReference<ToLongFunction>> references =
                serviceReferences(ToLongFunction.class, CONSUMER_FILTER);
        assertEquals(1, references.size());
        return bundleContext.getService(references.iterator().next());
    }

    private static int componentState(ServiceComponentRuntime scr, ComponentDescriptionDTO description) {
        Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
        return configurations.isEmpty() ? -1 : configurations.iterator().next().state;
    }
}
