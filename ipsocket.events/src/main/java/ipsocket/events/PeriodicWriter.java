package ipsocket.events;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

import ipsocket.api.SocketEvents;

/**
 * Posts a {@code WRITE} event for one socket at a fixed interval, one per factory
 * configuration of {@code ipsocket.PeriodicWriter}. The gateway's default configuration uses
 * it to make its UDP pair exchange datagrams; gateways use it for heartbeats and polls.
 */
@Component(configurationPid = "ipsocket.PeriodicWriter", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = PeriodicWriterConfiguration.class, factory = true)
public class PeriodicWriter {
    private final ScheduledExecutorService timer;

    /**
     * Starts writing.
     *
     * @param eventAdmin where the WRITE events go
     * @param configuration what to write, where and how often
     */
    @Activate
    public PeriodicWriter(@Reference(name = "eventAdmin") EventAdmin eventAdmin,
            PeriodicWriterConfiguration configuration) {
        String topic = ("UdpSocket".equalsIgnoreCase(configuration.kind()) ? SocketEvents.UDP_TOPIC_PREFIX
                : "SslSocket".equalsIgnoreCase(configuration.kind()) ? SocketEvents.SSL_TOPIC_PREFIX
                : SocketEvents.TCP_TOPIC_PREFIX) + SocketEvents.WRITE;
        String text = configuration.text().replace("\\n", "\n").replace("\\r", "\r");
        long interval = Math.max(100, configuration.intervalMillis());
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ipsocket-periodic-writer-" + configuration.objectId());
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(() -> {
            Map<String, Object> properties = new HashMap<>();
            properties.put(SocketEvents.OBJECT_ID, configuration.objectId());
            properties.put(SocketEvents.DATA, text);
            eventAdmin.postEvent(new Event(topic, properties));
        }, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }
}
