package ipsocket.events;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;

/**
 * Posts a {@code WRITE} event for one socket at a fixed interval, one per factory
 * configuration of {@code ipsocket.PeriodicWriter}. The gateway's default configuration uses
 * it to make its UDP pair exchange datagrams; gateways use it for heartbeats and polls.
 *
 * <p>A configuration with a bad value (no {@code objectId}, an unknown {@code kind}, an
 * {@code intervalMillis} that is no whole number from 100 to 86,400,000, an empty text) is
 * refused as a whole, as {@link PeriodicWriterSettings} says: the writer does not run, and each
 * bad value is reported where socket configuration mistakes are, naming the configuration, the key
 * and the value: a warning in the log (the gateway log, the console and the events file) and an
 * {@code ERROR_OCCURRED} event ({@code UnsupportedSocketOperationError}) on the target socket's
 * topic, with its {@code objectId} (the writer's PID when it has none).
 */
@Component(configurationPid = "ipsocket.PeriodicWriter", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = PeriodicWriterConfiguration.class, factory = true)
public class PeriodicWriter {
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private final ScheduledExecutorService timer;

    /**
     * Starts writing, or reports why not.
     *
     * @param eventAdmin where the WRITE events (and the reports of bad values) go
     * @param loggers where bad values are logged
     * @param properties the configuration: what to write, where and how often
     */
    @Activate
    public PeriodicWriter(@Reference(name = "eventAdmin") EventAdmin eventAdmin,
            @Reference(name = "loggers") LoggerFactory loggers, Map<String, Object> properties) {
        PeriodicWriterSettings settings = PeriodicWriterSettings.read(properties);
        if (!settings.valid()) {
            refuse(settings, properties, eventAdmin, loggers.getLogger(PeriodicWriter.class));
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ipsocket-periodic-writer-" + settings.objectId());
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(() -> {
            Map<String, Object> event = new HashMap<>();
            event.put(SocketEvents.OBJECT_ID, settings.objectId());
            event.put(SocketEvents.DATA, settings.text());
            eventAdmin.postEvent(new Event(settings.topic(), event));
        }, settings.intervalMillis(), settings.intervalMillis(), TimeUnit.MILLISECONDS);
    }

    private static void refuse(PeriodicWriterSettings settings, Map<String, Object> properties, EventAdmin eventAdmin,
            Logger logger) {
        Object file = properties.get(FILEINSTALL_FILENAME);
        String name = "configuration " + properties.get(Constants.SERVICE_PID) + (file == null ? "" : " (file " + file
                + ")");
        String subject = settings.objectId() != null ? settings.objectId()
                : String.valueOf(properties.get(Constants.SERVICE_PID));
        for (String problem : settings.problems()) {
            String text = "Bad value in " + name + " of periodic writer for socket '" + subject + "': " + problem
                    + "; the writer does not run";
            logger.warn(text);
            Map<String, Object> event = new HashMap<>();
            event.put(SocketEvents.OBJECT_ID, subject);
            event.put(SocketEvents.ERROR, SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR.seedName());
            event.put(SocketEvents.ERROR_CODE, SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR.value());
            event.put(SocketEvents.ERROR_STRING, text);
            eventAdmin.postEvent(new Event(settings.errorTopic(), event));
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
