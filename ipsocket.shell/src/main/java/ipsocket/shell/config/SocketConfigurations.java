package ipsocket.shell.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketPids;

/**
 * Creates, replaces and deletes socket and server configurations in ConfigAdmin: a factory
 * configuration of the kind's factory PID, named after the socket, whose {@code objectId} is that
 * name; values stay Strings, as a {@code .cfg} file gives them.
 */
public final class SocketConfigurations {
    /** The kinds {@link #create} takes, in the order a form lists them. */
    public static final List<String> KINDS = List.of("tcp", "udp", "tls", "server");

    /** The factory PIDs of the socket and server kinds. */
    private static final List<String> FACTORY_PIDS = List.of(SocketPids.TCP_SOCKET, SocketPids.UDP_SOCKET,
            SocketPids.SSL_SOCKET, SocketPids.TCP_SERVER);

    private final ConfigurationAdmin configurationAdmin;

    /**
     * Works on one ConfigAdmin.
     *
     * @param configurationAdmin where the configurations are made and deleted
     */
    public SocketConfigurations(ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    /**
     * Creates (or replaces) the configuration of socket or server {@code name}.
     *
     * @param kind {@code tcp}, {@code udp}, {@code tls} or {@code server} (any case)
     * @param name the socket's objectId and the configuration's name
     * @param settings the configuration keys and their values, as Strings
     * @return the configuration's PID
     * @throws IOException if ConfigAdmin fails
     * @throws IllegalArgumentException for an unknown kind, an empty name, or a name with a
     *         parenthesis (Felix SCR 2.2.18 cannot read a configuration whose PID holds one: the
     *         socket would never appear)
     */
    public String create(String kind, String name, Map<String, String> settings) throws IOException {
        return create(kind, name, settings, ValueCheck.NONE);
    }

    /**
     * Creates (or replaces) the configuration of socket or server {@code name}, if {@code check}
     * accepts every value.
     *
     * @param kind {@code tcp}, {@code udp}, {@code tls} or {@code server} (any case)
     * @param name the socket's objectId and the configuration's name
     * @param settings the configuration keys and their values, as Strings
     * @param check checks each value before anything is written
     * @return the configuration's PID
     * @throws IOException if ConfigAdmin fails
     * @throws IllegalArgumentException as {@link #create(String, String, Map)}, or for a value the
     *         check refuses (naming the key, the value and the check's reason)
     */
    public String create(String kind, String name, Map<String, String> settings, ValueCheck check)
            throws IOException {
        String factoryPid = factoryPid(kind);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a socket needs a name");
        }
        if (name.indexOf('(') >= 0 || name.indexOf(')') >= 0) {
            throw new IllegalArgumentException("'" + name + "' holds a parenthesis: Declarative Services cannot read a"
                    + " configuration whose name has one, so the socket would never appear; choose another name");
        }
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            String problem = check.problem(setting.getKey(), setting.getValue());
            if (problem != null && !problem.isEmpty()) {
                throw new IllegalArgumentException(setting.getKey() + " = '" + setting.getValue() + "' is refused: "
                        + problem);
            }
        }
        Hashtable<String, Object> properties = new Hashtable<>(settings);
        properties.put(SocketConfig.OBJECT_ID, name);
        Configuration configuration = configurationAdmin.getFactoryConfiguration(factoryPid, name, "?");
        configuration.update(properties);
        return configuration.getPid();
    }

    /**
     * Deletes every configuration of socket or server {@code name}, found by its objectId or by
     * its configuration name; the socket closes gracefully.
     *
     * @param name the socket's objectId, or its configuration name
     * @return the PIDs deleted
     * @throws IOException if ConfigAdmin fails
     * @throws IllegalArgumentException if no configuration has that name
     */
    public List<String> delete(String name) throws IOException {
        List<String> deleted = new ArrayList<>();
        for (String factoryPid : FACTORY_PIDS) {
            Configuration[] found;
            try {
                found = configurationAdmin.listConfigurations("(&(service.factoryPid=" + factoryPid
                        + ")(|(objectId=" + escape(name) + ")(service.pid=" + escape(factoryPid + "~" + name) + ")))");
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException("'" + name + "' makes no valid filter", e); // escaped: not reached
            }
            for (Configuration configuration : found == null ? new Configuration[0] : found) {
                deleted.add(configuration.getPid());
                configuration.delete();
            }
        }
        if (deleted.isEmpty()) {
            throw new IllegalArgumentException("no socket configuration named '" + name + "'");
        }
        return deleted;
    }

    /**
     * Reads {@code key=value} settings (spaces around key and value trimmed; later keys win).
     *
     * @param settings one {@code key=value} each
     * @return the keys and values, in order
     * @throws IllegalArgumentException for a setting without {@code =} or with an empty key
     */
    public static Map<String, String> settings(Iterable<String> settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            if (equals < 0 || setting.substring(0, equals).isBlank()) {
                throw new IllegalArgumentException("'" + setting + "' is not key=value");
            }
            properties.put(setting.substring(0, equals).trim(), setting.substring(equals + 1).trim());
        }
        return properties;
    }

    /**
     * Finds a socket by its objectId, or else by its configuration name: a configuration file
     * {@code ipsocket.TcpSocket-plc1.cfg} without an {@code objectId} key has the PID
     * {@code ipsocket.TcpSocket~plc1}, which is its objectId by default (CONTRACT.md §2), and
     * {@code plc1} finds it (§4: the file creates "socket NAME").
     *
     * @param sockets the sockets to look in
     * @param name an objectId or a configuration name
     * @return the socket
     * @throws IllegalArgumentException if none has that name
     */
    public static IpSocket find(Iterable<IpSocket> sockets, String name) {
        IpSocket byConfigurationName = null;
        for (IpSocket socket : sockets) {
            if (socket.getObjectId().equals(name)) {
                return socket;
            }
            if (byConfigurationName == null && name != null && isNamedConfigurationPid(socket.getObjectId(), name)) {
                byConfigurationName = socket;
            }
        }
        if (byConfigurationName == null) {
            throw new IllegalArgumentException("no socket named '" + name + "'");
        }
        return byConfigurationName;
    }

    /** Whether {@code objectId} is the default objectId (the PID) a configuration named {@code name} gives its socket. */
    private static boolean isNamedConfigurationPid(String objectId, String name) {
        return FACTORY_PIDS.stream().anyMatch(pid -> objectId.equals(pid + "~" + name));
    }

    /**
     * Returns the factory PID of a kind.
     *
     * @param kind {@code tcp}, {@code udp}, {@code tls} or {@code server} (any case)
     * @return its factory PID, one of {@link SocketPids}' socket and server PIDs
     * @throws IllegalArgumentException for any other kind
     */
    public static String factoryPid(String kind) {
        switch (kind == null ? "" : kind.toLowerCase(Locale.ROOT)) {
            case "tcp":
                return SocketPids.TCP_SOCKET;
            case "udp":
                return SocketPids.UDP_SOCKET;
            case "tls":
                return SocketPids.SSL_SOCKET;
            case "server":
                return SocketPids.TCP_SERVER;
            default:
                throw new IllegalArgumentException("kind must be tcp, udp, tls or server, not '" + kind + "'");
        }
    }

    /** Escapes a value for an LDAP filter (RFC 4515), so a name cannot widen the search. */
    private static String escape(String filterValue) {
        return filterValue.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }
}
