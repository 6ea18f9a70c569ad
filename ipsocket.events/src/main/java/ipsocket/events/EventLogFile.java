package ipsocket.events;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogReaderService;

import ipsocket.api.SocketEvents;

/**
 * Appends every ipsocket event to a file as one JSON object per line, when the framework
 * property {@code ipsocket.events.file} names a file (the gateway's {@code --events FILE}).
 * Each line is handed to the operating system at once, so a reader sees it immediately and a
 * crash loses nothing written before. The file is created owner-only (0600) and rotated by size
 * ({@code ipsocket.events.maxBytes}, default 10 MiB; {@code ipsocket.events.maxFiles} files
 * kept, default 5: see {@link RotatingFile}). Payloads and private properties are withheld as
 * {@link EventPrivacy} says.
 *
 * <p>The operator's warnings are written there too, so that one file tells what happened: every
 * framework log entry of level WARN or more severe (a refused configuration value, a configuration
 * file that was rejected as a whole or is too large, a bad {@code ioThreads}), as a line of topic
 * {@value EventJson#LOG_TOPIC} (see {@link EventJson#toJson(LogEntry)}).
 */
@Component(immediate = true, service = {})
public class EventLogFile implements EventHandler {
    /** Prefix of the framework properties: {@code .file}, {@code .maxBytes}, {@code .maxFiles}. */
    static final String PROPERTY_PREFIX = "ipsocket.events";

    private final RotatingFile file;
    private final EventPrivacy privacy;
    private final ServiceRegistration<EventHandler> registration;
    private final LogFollower follower;

    /**
     * Opens the file and subscribes, if a file is named.
     *
     * @param context the bundle context
     * @param reader the framework's log reader, for the operator's warnings
     * @throws IOException if the file cannot be opened for appending
     */
    @Activate
    public EventLogFile(BundleContext context, @Reference LogReaderService reader) throws IOException {
        file = RotatingFile.fromProperties(PROPERTY_PREFIX, context::getProperty);
        if (file == null) {
            privacy = null;
            registration = null;
            follower = null;
            return;
        }
        privacy = new EventPrivacy(context);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, SocketEvents.ALL_TOPICS);
        registration = context.registerService(EventHandler.class, this, properties);
        follower = LogFollower.follow(reader, this::logged);
    }

    @Override
    public void handleEvent(Event event) {
        append(EventJson.toJson(privacy.redact(event)));
    }

    private void logged(LogEntry entry) {
        if (GatewayLog.isWarningOrWorse(entry.getLogLevel())) {
            append(EventJson.toJson(entry));
        }
    }

    private void append(String line) {
        try {
            file.append(line);
        } catch (IOException e) {
            System.err.println("ipsocket event log: cannot write: " + e.getMessage());
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        if (follower != null) {
            follower.close();
        }
        if (registration != null) {
            registration.unregister();
        }
        if (file != null) {
            privacy.close();
            file.close();
        }
    }
}
