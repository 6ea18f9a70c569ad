package ipsocket.itest;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.junit.After;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Base class of the Pax Exam integration tests: the framework set-up shared by every test and
 * helpers to configure components, wait for services and conditions, and record events.
 *
 * <p>A test class runs with {@code @RunWith(PaxExam.class)} and declares its own
 * {@code @Configuration} method that returns {@link #baseOptions()}, possibly with more options.
 * Configurations, service trackers and event recorders created through this class are removed
 * after each test.
 *
 * <p>Tests never sleep: they wait with a deadline, either for a service
 * ({@link #awaitService(Class, String, Duration)}), an event
 * ({@link EventRecorder#awaitEvent(Predicate, Duration)}) or a condition
 * ({@link #awaitCondition(BooleanSupplier, Duration, String)}).
 */
public abstract class IpSocketTestSupport {

    /** Default time to wait for something that should happen promptly. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Interval between two checks of {@link #awaitCondition(BooleanSupplier, Duration, String)}. */
    private static final long POLL_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Location that lets a configuration be used by any bundle (here: SCR on behalf of ipsocket.impl). */
    private static final String ANY_LOCATION = "?";

    /** Context of the test probe bundle. */
    @Inject
    protected BundleContext bundleContext;

    /** Configuration Admin service of the framework. */
    @Inject
    protected ConfigurationAdmin configurationAdmin;

    private final List<Configuration> configurations = new CopyOnWriteArrayList<>();
    private final List<ServiceTracker<?, ?>> trackers = new CopyOnWriteArrayList<>();
    private final List<EventRecorder> recorders = new CopyOnWriteArrayList<>();

    /**
     * Returns the options every integration test needs: Felix SCR, Configuration Admin, Event
     * Admin and Metatype with the OSGi API bundles they import, the ipsocket bundles of this
     * build, and JUnit in the framework.
     *
     * <p>The ipsocket bundles come from the jar files that the build just made, named by the
     * system properties {@code ipsocket.api.jar} and {@code ipsocket.impl.jar} (set by failsafe);
     * all other bundles come from the Maven repository, at the versions of this module's pom.
     *
     * @return the options, for a subclass's {@code @Configuration} method
     */
    public static Option[] baseOptions() {
        return options(
            // Framework storage and unpacked bundles under target/, removed by mvn clean; one
            // directory per framework (the failsafe execution "equinox" sets the property).
            workingDirectory("target/paxexam-" + System.getProperty("ipsocket.itest.framework", "felix")),
            // A fresh framework every time, even after a run that was killed half-way and left
            // its installed bundles in the storage directory.
            frameworkProperty("org.osgi.framework.storage.clean").value("onFirstInit"),
            // pax.exam.logging=none: the Pax Exam bundles get slf4j from the test class path.
            systemPackages("org.slf4j;version=1.7.36"),

            // Declarative Services and the OSGi APIs it imports
            mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
            mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
            mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
            mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
            // Configuration Admin (exports org.osgi.service.cm)
            mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
            // Event Admin (exports org.osgi.service.event)
            mavenBundle("org.apache.felix", "org.apache.felix.eventadmin").versionAsInProject(),
            // Metatype (exports org.osgi.service.metatype) and the Log service it needs
            mavenBundle("org.apache.felix", "org.apache.felix.log").versionAsInProject(),
            mavenBundle("org.apache.felix", "org.apache.felix.metatype").versionAsInProject(),

            // The bundles under test, fresh from the reactor
            reactorBundle("ipsocket.api.jar"),
            reactorBundle("ipsocket.impl.jar"),

            junitBundles());
    }

    /**
     * Returns the BouncyCastle bundles (bcprov, bcutil, bcpkix) that ipsocket.impl imports
     * optionally for SslSocket's traditional PEM keys. Installed with the other bundles, they
     * resolve with ipsocket.impl, so its optional imports are wired.
     *
     * @return the provisioning options, to add to {@link #baseOptions()}
     */
    public static Option[] bouncyCastleBundles() {
        return options(
            mavenBundle("org.bouncycastle", "bcprov-jdk18on").versionAsInProject(),
            mavenBundle("org.bouncycastle", "bcutil-jdk18on").versionAsInProject(),
            mavenBundle("org.bouncycastle", "bcpkix-jdk18on").versionAsInProject());
    }

    /**
     * Returns whether a command is on the PATH (tests that need openssl skip without it).
     *
     * @param command the command
     * @return {@code true} if found
     */
    protected static boolean commandInstalled(String command) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && new File(entry, command).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs a command (keytool, openssl) to its end.
     *
     * @param command the command and its arguments
     * @throws IOException if it fails or takes more than a minute, with its output
     * @throws InterruptedException if interrupted while waiting
     */
    protected static void runCommand(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
        process.getInputStream().transferTo(output);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(command[0] + " failed: " + output.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * Returns an option that installs a bundle of this build from its jar file.
     *
     * @param property name of the system property that holds the jar file's path
     * @return the provisioning option
     * @throws IllegalStateException if the property is not set, as when the test runs outside
     *         Maven's failsafe plugin
     */
    protected static Option reactorBundle(String property) {
        String path = System.getProperty(property);
        if (path == null || path.isEmpty()) {
            throw new IllegalStateException("System property " + property
                + " is not set: run the integration tests with ./mvnw verify");
        }
        return bundle(new File(path).toURI().toString());
    }

    /**
     * Creates a factory configuration and sets its properties, so that the component with that
     * factory PID gets a new instance. The configuration is deleted after the test.
     *
     * @param factoryPid the factory PID, usually the component's configuration PID
     * @param properties the configuration properties
     * @return the new configuration
     * @throws IOException if Configuration Admin cannot store the configuration
     */
    protected Configuration createFactoryConfiguration(String factoryPid, Map<String, ?> properties)
            throws IOException {
        Configuration configuration = configurationAdmin.createFactoryConfiguration(factoryPid, ANY_LOCATION);
        configurations.add(configuration);
        configuration.update(toDictionary(properties));
        return configuration;
    }

    /**
     * Creates or replaces the configuration of a singleton PID. The configuration is deleted
     * after the test.
     *
     * @param pid the configuration PID
     * @param properties the configuration properties
     * @return the configuration
     * @throws IOException if Configuration Admin cannot store the configuration
     */
    protected Configuration updateConfiguration(String pid, Map<String, ?> properties) throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(pid, ANY_LOCATION);
        if (!configurations.contains(configuration)) {
            configurations.add(configuration);
        }
        configuration.update(toDictionary(properties));
        return configuration;
    }

    /**
     * Replaces the properties of a configuration, so that its component is modified or
     * reactivated.
     *
     * @param configuration the configuration to change
     * @param properties the new configuration properties, replacing all previous ones
     * @throws IOException if Configuration Admin cannot store the configuration
     */
    protected void updateConfiguration(Configuration configuration, Map<String, ?> properties) throws IOException {
        configuration.update(toDictionary(properties));
    }

    /**
     * Deletes a configuration, so that its component instance is deactivated. Deleting a
     * configuration that is already deleted does nothing.
     *
     * @param configuration the configuration to delete
     * @throws IOException if Configuration Admin cannot delete the configuration
     */
    protected void deleteConfiguration(Configuration configuration) throws IOException {
        configurations.remove(configuration);
        try {
            configuration.delete();
        } catch (IllegalStateException alreadyDeleted) {
            // deleted by the test itself through the Configuration object
        }
    }

    /**
     * Waits for a service and returns it. The service tracker stays open until the end of the
     * test, so the returned object stays valid while the service is registered.
     *
     * @param <S> the service type
     * @param type the service interface
     * @param filter an LDAP filter on the service properties, or {@code null} for any service
     *        of that type
     * @param timeout how long to wait at most
     * @return the service, never {@code null}
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws InvalidSyntaxException if the filter is not valid
     * @throws AssertionError if no such service is registered within the timeout
     */
    protected <S> S awaitService(Class<S> type, String filter, Duration timeout)
            throws InterruptedException, InvalidSyntaxException {
        String objectClass = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        Filter combined = FrameworkUtil.createFilter(
            filter == null ? objectClass : "(&" + objectClass + filter + ")");
        ServiceTracker<S, S> tracker = new ServiceTracker<>(bundleContext, combined, null);
        trackers.add(tracker);
        tracker.open();
        S service = tracker.waitForService(timeout.toMillis());
        assertNotNull("No service " + combined + " within " + timeout, service);
        return service;
    }

    /**
     * Waits until a condition holds, checking it every few milliseconds.
     *
     * @param condition the condition, checked on the calling thread
     * @param timeout how long to wait at most
     * @param description what the condition means, for the failure message
     * @throws AssertionError if the condition does not hold within the timeout
     */
    protected static void awaitCondition(BooleanSupplier condition, Duration timeout, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                fail("Timed out after " + timeout + " waiting for: " + description);
            }
            LockSupport.parkNanos(POLL_INTERVAL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                fail("Interrupted while waiting for: " + description);
            }
        }
    }

    /**
     * Starts recording the events posted or sent on matching topics. The recorder is closed
     * after the test if the test did not close it.
     *
     * @param topicPattern an Event Admin topic or topic pattern, for example
     *        {@code "ipsocket/*"}
     * @return the recorder, already registered as an {@link EventHandler}
     */
    protected EventRecorder recordEvents(String topicPattern) {
        EventRecorder recorder = new EventRecorder();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topicPattern);
        recorder.registration = bundleContext.registerService(EventHandler.class, recorder, properties);
        recorders.add(recorder);
        return recorder;
    }

    /**
     * Asserts that every installed bundle is active, and every fragment resolved. Pax Exam only
     * logs a bundle that fails to resolve or start; this turns it into a test failure that names
     * the bundle and its state.
     *
     * @throws AssertionError if a bundle is not in the expected state
     */
    protected void assertAllBundlesActive() {
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            boolean fragment = revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (bundle.getState() != expected) {
                problems.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " is "
                    + stateName(bundle.getState()) + ", expected " + stateName(expected)
                    + " (see the framework log above for the unresolved requirement)");
            }
        }
        assertTrue(String.join("\n", problems), problems.isEmpty());
    }

    private static String stateName(int state) {
        switch (state) {
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "in unknown state " + state;
        }
    }

    /**
     * Closes the event recorders and service trackers and deletes the configurations that the
     * test created through this class.
     *
     * @throws IOException if Configuration Admin cannot delete a configuration
     */
    @After
    public void cleanUpTestSupport() throws IOException {
        for (EventRecorder recorder : recorders) {
            recorder.close();
        }
        recorders.clear();
        for (Configuration configuration : new ArrayList<>(configurations)) {
            deleteConfiguration(configuration);
        }
        for (ServiceTracker<?, ?> tracker : trackers) {
            tracker.close();
        }
        trackers.clear();
    }

    private static Dictionary<String, Object> toDictionary(Map<String, ?> properties) {
        return new Hashtable<>(properties);
    }

    /**
     * An {@link EventHandler} that keeps every event it receives, so a test can wait for one.
     * Thread-safe: Event Admin delivers on its own threads.
     */
    public static final class EventRecorder implements EventHandler, AutoCloseable {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition received = lock.newCondition();
        private final List<Event> events = new ArrayList<>();
        private volatile ServiceRegistration<EventHandler> registration;

        EventRecorder() {
        }

        /**
         * Records an event; called by Event Admin.
         *
         * @param event the delivered event
         */
        @Override
        public void handleEvent(Event event) {
            lock.lock();
            try {
                events.add(event);
                received.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Returns the events received so far.
         *
         * @return a copy of the events, in the order of delivery
         */
        public List<Event> events() {
            lock.lock();
            try {
                return new ArrayList<>(events);
            } finally {
                lock.unlock();
            }
        }

        /**
         * Waits for an event that matches, among those already received and those to come.
         *
         * @param matcher which event to wait for
         * @param timeout how long to wait at most
         * @return the first matching event
         * @throws InterruptedException if the thread is interrupted while waiting
         * @throws AssertionError if no matching event arrives within the timeout
         */
        public Event awaitEvent(Predicate<Event> matcher, Duration timeout) throws InterruptedException {
            long remaining = timeout.toNanos();
            int checked = 0;
            lock.lock();
            try {
                while (true) {
                    for (; checked < events.size(); checked++) {
                        Event event = events.get(checked);
                        if (matcher.test(event)) {
                            return event;
                        }
                    }
                    if (remaining <= 0) {
                        throw new AssertionError("No matching event within " + timeout + "; received: " + events);
                    }
                    remaining = received.awaitNanos(remaining);
                }
            } finally {
                lock.unlock();
            }
        }

        /**
         * Stops recording: unregisters the event handler. Closing twice does nothing.
         */
        @Override
        public void close() {
            ServiceRegistration<EventHandler> current = registration;
            registration = null;
            if (current != null) {
                try {
                    current.unregister();
                } catch (IllegalStateException alreadyUnregistered) {
                    // the test probe bundle is stopping
                }
            }
        }
    }
}
