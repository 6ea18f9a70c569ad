package ipsocket.events;

import java.io.File;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Keeps configuration files that are too large away from FileInstall's configuration loader and
 * says so. FileInstall 3.7.4 reads a {@code .cfg} file in time that grows with the square of its
 * number of keys (its variable substitution looks each key up in a list): a 5 MB file of 100,000
 * keys held its directory watcher for minutes, so no other file was applied and the gateway took
 * that long to stop. A socket configuration is a few hundred bytes, so a file larger than the
 * framework property {@value #MAX_BYTES_PROPERTY} (default {@value #DEFAULT_MAX_BYTES} bytes,
 * about 1,500 keys, read in milliseconds) is refused before it is read: an ERROR naming the file,
 * its size and the limit goes to the gateway log, the console and the events file, and no
 * configuration is made from it. A file that grows past the limit loses the configuration made
 * from its earlier version (as if it were deleted); one that shrinks below it is applied again.
 *
 * <p>It also refuses a file whose name holds a parenthesis ({@code ipsocket.TcpSocket-a(b).cfg}),
 * naming it: Felix SCR 2.2.18 cannot read a configuration with such a PID, so its socket would
 * silently never appear.
 *
 * <p>It is an {@link ArtifactInstaller} ranked above FileInstall's own configuration installer,
 * so FileInstall hands it every configuration file first, and it passes the files within the
 * limit on to the next installer that takes them (FileInstall's). It takes every configuration
 * file, not only the oversized ones, because FileInstall keeps a file with the installer that
 * took it first: only so does a file that grows later come here again.
 */
@Component(immediate = true, property = Constants.SERVICE_RANKING + ":Integer=1000")
public class ConfigurationFileGuard implements ArtifactInstaller {
    /** The framework property that sets the limit, in bytes. */
    static final String MAX_BYTES_PROPERTY = "ipsocket.conf.maxBytes";
    /** The limit when the property is not set. */
    static final long DEFAULT_MAX_BYTES = 65_536;

    private final long maxBytes;
    private final Logger logger;
    private final ServiceTracker<ArtifactInstaller, ArtifactInstaller> installers;
    /** The files refused now: neither passed on nor installed. */
    private final Set<File> refused = ConcurrentHashMap.newKeySet();

    /**
     * Reads the limit and follows the other installers.
     *
     * @param context the bundle context, for the framework property and the other installers
     * @param loggers where the refusals are logged
     */
    @Activate
    public ConfigurationFileGuard(BundleContext context, @Reference LoggerFactory loggers) {
        this.logger = loggers.getLogger(ConfigurationFileGuard.class);
        this.maxBytes = limit(context.getProperty(MAX_BYTES_PROPERTY));
        this.installers = new ServiceTracker<>(context, ArtifactInstaller.class, null) {
            @Override
            public ArtifactInstaller addingService(ServiceReference<ArtifactInstaller> reference) {
                // not this bundle's own: getting this guard while DS creates it would be a cycle
                return context.getBundle().equals(reference.getBundle()) ? null : super.addingService(reference);
            }
        };
        installers.open();
    }

    private long limit(String configured) {
        if (configured == null) {
            return DEFAULT_MAX_BYTES;
        }
        try {
            long limit = Long.parseLong(configured.trim());
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        logger.error("Bad value of framework property {}: '{}' is no positive number of bytes; configuration files "
                + "up to {} bytes are read", MAX_BYTES_PROPERTY, configured, DEFAULT_MAX_BYTES);
        return DEFAULT_MAX_BYTES;
    }

    @Deactivate
    void deactivate() {
        installers.close();
    }

    /**
     * Takes a configuration file ({@code .cfg} or {@code .config}) that is too large, or that
     * another installer takes (so that it comes here again when it changes).
     *
     * @param file a file in a watched directory
     * @return true when this guard handles the file
     */
    @Override
    public boolean canHandle(File file) {
        String name = file.getName().toLowerCase(Locale.ROOT);
        return (name.endsWith(".cfg") || name.endsWith(".config")) && (refusable(file) || next(file) != null);
    }

    @Override
    public void install(File file) throws Exception {
        if (refusable(file)) {
            refuse(file);
        } else {
            passOn(file).install(file);
        }
    }

    @Override
    public void update(File file) throws Exception {
        boolean wasRefused = refused.contains(file);
        if (refusable(file)) {
            if (!wasRefused) {
                passOn(file).uninstall(file); // the configuration of the smaller version goes
            }
            refuse(file);
        } else if (refused.remove(file)) {
            passOn(file).install(file);
        } else {
            passOn(file).update(file);
        }
    }

    @Override
    public void uninstall(File file) throws Exception {
        if (!refused.remove(file)) {
            passOn(file).uninstall(file);
        }
    }

    /** Too large, or named so that its configuration could never be read. */
    private boolean refusable(File file) {
        return file.length() > maxBytes || hasParenthesis(file);
    }

    /**
     * Felix SCR 2.2.18 builds an LDAP filter from a configuration's PID without escaping it, so a
     * PID with a parenthesis (from a file {@code ipsocket.TcpSocket-a(b).cfg}) is never read: the
     * socket would silently not appear, with only SCR's "Unknown operator" in the log.
     */
    private static boolean hasParenthesis(File file) {
        return file.getName().indexOf('(') >= 0 || file.getName().indexOf(')') >= 0;
    }

    private void refuse(File file) {
        refused.add(file);
        if (hasParenthesis(file)) {
            logger.error("Configuration file {} is refused: its name holds a parenthesis, and Declarative Services "
                    + "cannot read a configuration whose name has one, so its socket would never appear; rename it",
                    file.getAbsolutePath());
            return;
        }
        logger.error("Configuration file {} is refused: it has {} bytes, more than the limit of {} bytes (framework "
                + "property {}); no configuration is made from it. A socket configuration needs a few hundred bytes",
                file.getAbsolutePath(), file.length(), maxBytes, MAX_BYTES_PROPERTY);
    }

    private ArtifactInstaller passOn(File file) {
        ArtifactInstaller next = next(file);
        if (next == null) {
            throw new IllegalStateException("no installer takes configuration file " + file.getAbsolutePath()
                    + " now (is ConfigAdmin running?)");
        }
        return next;
    }

    /** The installer of highest ranking, other than this guard, that takes the file; null if none. */
    private ArtifactInstaller next(File file) {
        ServiceReference<ArtifactInstaller>[] references = installers.getServiceReferences();
        if (references == null) {
            return null;
        }
        Arrays.sort(references, Collections.reverseOrder()); // highest ranking first
        for (ServiceReference<ArtifactInstaller> reference : references) {
            ArtifactInstaller installer = installers.getService(reference);
            if (installer != null && installer.canHandle(file)) {
                return installer;
            }
        }
        return null;
    }
}
