package ipsocket.events;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Appends every ipsocket event to a file as one JSON object per line, when the framework
 * property {@code ipsocket.events.file} names a file (the gateway's {@code --events FILE}).
 * Each line is flushed at once, so a reader sees it immediately and a crash loses nothing
 * written before.
 */
@Component(immediate = true, service = {})
public class EventLogFile implements EventHandler {
    /** Framework property naming the file. */
    static final String FILE_PROPERTY = "ipsocket.events.file";

    private final BufferedWriter writer;
    private final ServiceRegistration<EventHandler> registration;

    /**
     * Opens the file and subscribes, if a file is named.
     *
     * @param context the bundle context
     * @throws IOException if the file cannot be opened for appending
     */
    @Activate
    public EventLogFile(BundleContext context) throws IOException {
        String file = context.getProperty(FILE_PROPERTY);
        if (file == null || file.isBlank()) {
            writer = null;
            registration = null;
            return;
        }
        Path path = Path.of(file.trim()).toAbsolutePath();
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, SocketEvents.ALL_TOPICS);
        registration = context.registerService(EventHandler.class, this, properties);
    }

    @Override
    public void handleEvent(Event event) {
        String line = EventJson.toJson(event);
        synchronized (this) {
            try {
                writer.write(line);
                writer.newLine();
                writer.flush();
            } catch (IOException e) {
                System.err.println("ipsocket event log: cannot write: " + e.getMessage());
            }
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        if (registration != null) {
            registration.unregister();
        }
        if (writer != null) {
            synchronized (this) {
                writer.close();
            }
        }
    }
}
