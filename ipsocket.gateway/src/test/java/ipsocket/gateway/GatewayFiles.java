package ipsocket.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.BundleActivator;

/**
 * Files the gateway tests drop into the gateway's watched folders, each written beside its
 * target and then moved into place, so FileInstall never sees a half-written file.
 */
final class GatewayFiles {
    private GatewayFiles() {
    }

    /**
     * Writes (or replaces) a configuration file in a configuration folder.
     *
     * @param folder the gateway's {@code --conf} folder
     * @param name the file name, such as {@code ipsocket.TcpSocket-it.cfg}
     * @param content the file's text
     * @return the file
     * @throws IOException if it cannot be written
     */
    static Path writeConfig(Path folder, String name, String content) throws IOException {
        Path temporary = folder.resolveSibling(folder.getFileName() + "-" + name + ".tmp");
        Files.writeString(temporary, content);
        return Files.move(temporary, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes a bundle holding {@link MarkerActivator}, taken from this module's test classes.
     *
     * @param target the bundle file, in the gateway's {@code --deploy} folder
     * @throws IOException if it cannot be written
     */
    static void writeMarkerBundle(Path target) throws IOException {
        writeBundle(target, "ipsocket.test.marker", MarkerActivator.class);
    }

    /**
     * Writes a bundle of its activator and the activator's superclasses from this module's test
     * classes; they may use {@code org.osgi.framework} and the JDK.
     *
     * @param target the bundle file, in the gateway's {@code --deploy} folder
     * @param symbolicName the bundle's symbolic name
     * @param activator the activator class
     * @throws IOException if it cannot be written
     */
    static void writeBundle(Path target, String symbolicName, Class<? extends BundleActivator> activator)
            throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (Class<?> type = activator; type.getPackage() == activator.getPackage(); type = type.getSuperclass()) {
            String entry = type.getName().replace('.', '/') + ".class";
            try (InputStream classFile = type.getClassLoader().getResourceAsStream(entry)) {
                entries.put(entry, classFile.readAllBytes());
            }
        }
        writeJar(target, symbolicName, Map.of("Bundle-Activator", activator.getName(), "Import-Package",
                "org.osgi.framework"), entries);
    }

    /**
     * Writes a bundle that carries socket configurations for the OSGi Configurator: one JSON
     * resource, {@code OSGI-INF/configurator/sockets.json}, and the requirement on the
     * Configurator extender that makes the Configurator read it.
     *
     * @param target the bundle file, in the gateway's {@code --deploy} folder
     * @param symbolicName the bundle's symbolic name
     * @param json the configuration resource
     * @throws IOException if it cannot be written
     */
    static void writeConfigurationBundle(Path target, String symbolicName, String json) throws IOException {
        writeJar(target, symbolicName, Map.of("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender="
                + "osgi.configurator)(version>=1.0)(!(version>=2.0)))\""),
                Map.of("OSGI-INF/configurator/sockets.json", json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void writeJar(Path target, String symbolicName, Map<String, String> headers,
            Map<String, byte[]> entries) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        headers.forEach(main::putValue);
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream file = Files.newOutputStream(temporary);
                JarOutputStream jar = new JarOutputStream(file, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
