package ipsocket.events;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import ipsocket.api.SocketEvents;

/**
 * Prints one readable line per ipsocket event on the console, when the framework property
 * {@code ipsocket.console.events} is {@code true} (the gateway's default), for example
 * {@code 12:00:01.250 tcp device     STATE_CHANGED  Connecting  127.0.0.1:47010}. Payloads
 * and private properties are withheld as {@link EventPrivacy} says.
 */
@Component(immediate = true, service = {})
public class ConsoleEvents implements EventHandler {
    static final String ENABLED_PROPERTY = "ipsocket.console.events";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final PrintStream out = System.out;
    private final ServiceRegistration<EventHandler> registration;
    private final EventPrivacy privacy;

    /**
     * Subscribes when the console is enabled.
     *
     * @param context the bundle context
     */
    @Activate
    public ConsoleEvents(BundleContext context) {
        if (!Boolean.parseBoolean(context.getProperty(ENABLED_PROPERTY))) {
            registration = null;
            privacy = null;
            return;
        }
        privacy = new EventPrivacy(context);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, SocketEvents.ALL_TOPICS);
        registration = context.registerService(EventHandler.class, this, properties);
    }

    @Override
    public void handleEvent(Event event) {
        out.println(describe(privacy.redact(event), LocalTime.now()));
    }

    /**
     * Returns the console line of an event.
     *
     * @param event the event
     * @param time when it is printed
     * @return one line
     */
    static String describe(Event event, LocalTime time) {
        String topic = event.getTopic();
        boolean server = topic.startsWith(SocketEvents.SERVER_TOPIC_PREFIX);
        String kind = topic.startsWith(SocketEvents.UDP_TOPIC_PREFIX) ? "udp" : server ? "srv"
                : topic.startsWith(SocketEvents.SSL_TOPIC_PREFIX) ? "tls" : "tcp";
        String name = topic.substring(topic.lastIndexOf('/') + 1);
        Object state = event.getProperty(SocketEvents.STATE);
        StringBuilder line = new StringBuilder(String.format("%s %s %-12s %-24s %-12s", TIME.format(time), kind,
                event.getProperty(SocketEvents.OBJECT_ID), name, state != null ? state : server ? "" : "(request)"));
        if (server) {
            line.append(' ').append(event.getProperty(SocketEvents.LOCAL_ADDRESS)).append(':')
                    .append(event.getProperty(SocketEvents.LOCAL_PORT));
        }
        if (event.containsProperty(SocketEvents.CONNECTION)) {
            line.append("  ").append(event.getProperty(SocketEvents.CONNECTION));
        }
        Object host = event.getProperty(SocketEvents.HOSTNAME);
        if (host != null && !host.toString().isEmpty()) {
            line.append(' ').append(host).append(':').append(event.getProperty(SocketEvents.PORT));
        }
        if (event.containsProperty(SocketEvents.ERROR)) {
            line.append("  ").append(event.getProperty(SocketEvents.ERROR)).append(": ")
                    .append(event.getProperty(SocketEvents.ERROR_STRING));
        }
        if (event.containsProperty(SocketEvents.PROPERTY)) {
            Object value = event.getProperty(SocketEvents.VALUE);
            line.append("  ").append(event.getProperty(SocketEvents.PROPERTY)).append(" = ")
                    .append(value instanceof String[] ? String.join(",", (String[]) value) : value);
        }
        Object payload = event.getProperty(SocketEvents.DATA);
        if (payload instanceof byte[] || payload instanceof String) {
            byte[] data = payload instanceof byte[] ? (byte[]) payload
                    : ((String) payload).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            line.append("  ").append(data.length).append(" bytes");
            if (event.containsProperty(SocketEvents.SENDER_ADDRESS)) {
                line.append(" from ").append(event.getProperty(SocketEvents.SENDER_ADDRESS)).append(':')
                        .append(event.getProperty(SocketEvents.SENDER_PORT));
            }
            line.append(": ").append(printable(data));
        } else if (event.containsProperty(EventPrivacy.WITHHELD_LENGTH)) {
            line.append("  ").append(event.getProperty(EventPrivacy.WITHHELD_LENGTH))
                    .append(" bytes (not shown: publishData is false)");
        }
        return line.toString();
    }

    private static String printable(byte[] data) {
        StringBuilder text = new StringBuilder();
        int shown = Math.min(data.length, 60);
        for (int i = 0; i < shown; i++) {
            int b = data[i] & 0xff;
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return data.length > shown ? text + "..." : text.toString();
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            privacy.close();
        }
    }
}
