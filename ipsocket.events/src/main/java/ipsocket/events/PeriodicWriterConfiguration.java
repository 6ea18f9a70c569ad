package ipsocket.events;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a periodic writer (factory PID {@code ipsocket.PeriodicWriter}). */
@ObjectClassDefinition(id = "ipsocket.PeriodicWriter", name = "ipsocket periodic writer",
        description = "Writes a text to a socket at a fixed interval through a WRITE event: heartbeats, polls, demos.")
public @interface PeriodicWriterConfiguration {

    /**
     * Returns the socket to write to.
     *
     * @return the objectId
     */
    @AttributeDefinition(name = "Socket", description = "objectId of the socket to write to.")
    String objectId();

    /**
     * Returns the kind of socket.
     *
     * @return TcpSocket, UdpSocket or SslSocket
     */
    @AttributeDefinition(name = "Kind", description = "TcpSocket, UdpSocket or SslSocket: which WRITE topic to post on.")
    String kind() default "TcpSocket";

    /**
     * Returns the text to write.
     *
     * @return the text, with \n and \r translated
     */
    @AttributeDefinition(name = "Text", description = "Text to write, UTF-8; \\n and \\r are translated.")
    String text() default "ping\\n";

    /**
     * Returns the interval.
     *
     * @return milliseconds between writes
     */
    @AttributeDefinition(name = "Interval (ms)", min = "100", max = "86400000",
            description = "Milliseconds between two writes, 100 to 86,400,000 (a day).")
    long intervalMillis() default 5000;
}
