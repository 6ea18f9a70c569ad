package ipsocket.bench.events;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * A real Felix framework in this JVM with the gateway's services (SCR, ConfigAdmin, EventAdmin,
 * Log, Metatype) and the reactor's {@code ipsocket.impl} bundle.
 *
 * <p>The runner talks to the framework through three API packages that the system bundle
 * exports from the class path ({@code org.osgi.framework.system.packages.extra}): {@code
 * ipsocket.api} (to drive the configured socket through its service), {@code
 * org.osgi.service.event} (the counting handler and the marker events) and {@code
 * org.osgi.service.cm} (configurations). Each is exported at a version at least as high as the
 * bundle that also carries it (EventAdmin, ConfigAdmin), so the resolver wires every bundle to
 * the system bundle's copy and the classes are shared. The {@code ipsocket.api} bundle jar is
 * therefore not installed (a second exporter of the same package would make the wiring a
 * matter of resolver preference); its manifest gives the export's version.
 *
 * <p>The bundle jars are found in {@code bench-bundles/} next to the runnable jar (copied there
 * by the build), or where the system properties {@code ipsocket.bench.bundles} and {@code
 * ipsocket.bench.bundle.<artifactId>} point (the module's tests).
 */
public final class EmbeddedFelix implements AutoCloseable {
    /** Installed in this order, then started in this order, ipsocket.impl last. */
    static final List<String> BUNDLES = List.of("org.osgi.util.function", "org.osgi.util.promise",
            "org.osgi.service.component", "org.apache.felix.log", "org.apache.felix.configadmin",
            "org.apache.felix.eventadmin", "org.apache.felix.metatype", "org.apache.felix.scr");
    static final String IMPL = "ipsocket.impl";
    static final String API = "ipsocket.api";
    /** Versions of the service API jars on the class path (the root pom's dependencyManagement). */
    static final String SERVICE_PACKAGES = "org.osgi.service.event;version=1.4.1,org.osgi.service.cm;version=1.6.1";

    private final Path storage;
    private final Framework framework;
    private final Map<String, Bundle> bundles = new HashMap<>();

    private EmbeddedFelix(Path storage, Framework framework) {
        this.storage = storage;
        this.framework = framework;
    }

    /** Why the framework cannot be started here (a bundle jar is missing), or null. */
    public static String unavailable() {
        List<String> missing = new ArrayList<>();
        for (String name : all()) {
            Path p = bundleFile(name);
            if (!Files.isRegularFile(p)) {
                missing.add(name + " (" + p + (Files.isDirectory(p) ? " is a class directory, not a packaged bundle" : "")
                        + ")");
            }
        }
        return missing.isEmpty() ? null : "bundle jars not found: " + String.join(", ", missing)
                + "; build with ./mvnw -B -q -pl ipsocket.bench -am package -DskipTests";
    }

    /**
     * Whether the only missing bundles are reactor modules not packaged yet (their class
     * directories stand in for the jars in a {@code ./mvnw test} build): nothing is wrong, the
     * mode just cannot run before {@code package}.
     */
    public static boolean onlyUnpackaged() {
        boolean any = false;
        for (String name : all()) {
            Path p = bundleFile(name);
            if (Files.isDirectory(p)) {
                any = true;
            } else if (!Files.isRegularFile(p)) {
                return false;
            }
        }
        return any;
    }

    private static List<String> all() {
        List<String> all = new ArrayList<>(BUNDLES);
        all.add(API);
        all.add(IMPL);
        return all;
    }

    /** The jar of a bundle, by artifactId. */
    static Path bundleFile(String artifactId) {
        String own = System.getProperty("ipsocket.bench.bundle." + artifactId);
        if (own != null && !own.isBlank() && !own.startsWith("${")) {
            return Path.of(own);
        }
        return bundlesDir().resolve(artifactId + ".jar");
    }

    static Path bundlesDir() {
        String dir = System.getProperty("ipsocket.bench.bundles");
        if (dir != null && !dir.isBlank() && !dir.startsWith("${")) {
            return Path.of(dir);
        }
        try {
            // ipsocket.bench/target/ipsocket-bench.jar or ipsocket.bench/target/classes
            Path code = Path.of(EmbeddedFelix.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve("bench-bundles");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("ipsocket.bench", "target", "bench-bundles");
        }
    }

    /**
     * Starts the framework and every bundle but ipsocket.impl (see {@link #startImpl()}), so
     * configurations can be put in place before its components activate.
     */
    public static EmbeddedFelix start() throws Exception {
        String why = unavailable();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        Path storage = Files.createTempDirectory("ipsocket-bench-felix");
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, apiExport() + "," + SERVICE_PACKAGES);
        // Leave the JVM-wide URL handler factories alone (the runner may share its JVM with tests).
        config.put("felix.service.urlhandlers", "false");
        config.put("felix.log.level", "1");
        // Resolve on the calling thread: Felix's resolver pool threads outlive a stopped framework.
        config.put("felix.resolver.parallelism", "1");
        config.put("ds.loglevel", "warn");
        // EventAdmin options (org.apache.felix.eventadmin.Timeout, ...ThreadPoolSize, ...) can be
        // given as system properties to see their effect; none is set by default (gateway defaults).
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("org.apache.felix.eventadmin.")) {
                config.put(key, System.getProperty(key));
            }
        }
        Framework framework = new org.apache.felix.framework.FrameworkFactory().newFramework(config);
        framework.init();
        framework.start();
        EmbeddedFelix felix = new EmbeddedFelix(storage, framework);
        try {
            BundleContext ctx = framework.getBundleContext();
            for (String name : BUNDLES) {
                felix.bundles.put(name, ctx.installBundle(bundleFile(name).toUri().toString()));
            }
            felix.bundles.put(IMPL, ctx.installBundle(bundleFile(IMPL).toUri().toString()));
            for (String name : BUNDLES) {
                Bundle b = felix.bundles.get(name);
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
            return felix;
        } catch (Exception | Error e) {
            felix.close();
            throw e;
        }
    }

    /** Starts ipsocket.impl: SCR activates its components. */
    public void startImpl() throws BundleException {
        bundles.get(IMPL).start();
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    public Bundle bundle(String name) {
        return bundles.get(name);
    }

    /** The Export-Package of the ipsocket.api bundle jar (its package and version). */
    private static String apiExport() throws IOException {
        try (InputStream in = Files.newInputStream(bundleFile(API)); JarInputStream jar = new JarInputStream(in)) {
            Manifest m = jar.getManifest();
            String export = m == null ? null : m.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            if (export == null || !export.contains("ipsocket.api")) {
                throw new IOException(bundleFile(API) + " has no Export-Package of ipsocket.api");
            }
            return export;
        }
    }

    /** Stops the framework (every bundle, every thread it started) and deletes its storage. */
    @Override
    public void close() {
        try {
            framework.stop();
            FrameworkEvent e = framework.waitForStop(30_000);
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("events: the Felix framework did not stop within 30 s");
            }
        } catch (BundleException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("events: stopping the Felix framework failed: " + e);
        } finally {
            deleteTree(storage);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
