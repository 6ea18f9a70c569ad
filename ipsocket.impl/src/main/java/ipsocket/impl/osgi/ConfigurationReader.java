package ipsocket.impl.osgi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.SocketSettings;

/**
 * Reads the properties DS hands a socket component (a ConfigAdmin configuration or the
 * properties given to a component factory) into the {@link SocketSettings} the engine takes.
 *
 * <p>Values may be typed ({@code .config} files, Configurator JSON, code) or Strings
 * ({@code .cfg} files, the Karaf and Felix shells); each key is converted and checked by its
 * {@link PropertyDef}. A key that is absent keeps its default; a bad value keeps the default too
 * and becomes a {@link ConfigurationProblem}, so one bad key never stops the others. Keys that
 * are no socket property (such as {@code objectId}, {@code service.pid} or
 * {@code component.name}) are left to the caller.
 */
public final class ConfigurationReader {

    /**
     * What one configuration gave.
     *
     * @param settings the settings to apply: the good values, and defaults for absent and bad ones
     * @param problems one per bad value, in definition order; empty when every value was good
     */
    public record Reading(SocketSettings settings, List<ConfigurationProblem> problems) {
        /**
         * Creates the result.
         *
         * @param settings the settings to apply
         * @param problems the problems found, copied
         */
        public Reading {
            problems = List.copyOf(problems);
        }
    }

    private ConfigurationReader() {
    }

    /**
     * Reads a configuration for one kind of socket.
     *
     * @param definitions the properties of the kind: {@code SocketProperties.TCP} or
     *        {@code SocketProperties.UDP}
     * @param properties the configuration's properties, typed or as Strings
     * @return the settings and the problems found
     */
    public static Reading read(List<PropertyDef<?>> definitions, Map<String, ?> properties) {
        SocketSettings.Builder settings = SocketSettings.builder(definitions);
        List<ConfigurationProblem> problems = new ArrayList<>();
        for (PropertyDef<?> definition : definitions) {
            Object raw = properties.get(definition.name());
            if (raw == null) {
                continue;
            }
            try {
                set(settings, definition, raw);
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigurationProblem(definition.name(), raw, e.getMessage()));
            }
        }
        return new Reading(settings.build(), problems);
    }

    private static <T> void set(SocketSettings.Builder settings, PropertyDef<T> definition, Object raw) {
        settings.set(definition, definition.convert(raw));
    }
}
