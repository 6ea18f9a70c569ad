package ipsocket.itest.consumer;

import java.util.function.ToLongFunction;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import ipsocket.api.TcpSocket;

/**
 * A gateway bundle's component as a user would write it: it finds its socket by object id and
 * writes through it. {@code ConsumerBundleIT} builds a bundle of this class alone at test
 * time (bnd generates the component XML from these annotations) and installs it; the test
 * calls {@link #applyAsLong(String)} through the service to make the consumer write.
 */
@Component(service = ToLongFunction.class, property = SocketConsumer.MARKER + "=true")
public class SocketConsumer implements ToLongFunction<String> {
    /** Service property that marks the consumer's service. */
    public static final String MARKER = "ipsocket.itest.consumer";
    /** Object id of the socket the consumer uses. */
    public static final String OBJECT_ID = "consumer-plc";

    @Reference(target = "(objectId=" + OBJECT_ID + ")")
    private TcpSocket plc;

    /**
     * Writes text through the socket.
     *
     * @param text the text
     * @return what {@link TcpSocket#write(String)} returned
     */
    @Override
    public long applyAsLong(String text) {
        return plc.write(text);
    }
}
