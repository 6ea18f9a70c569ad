package ipsocket.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.BundleException;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.MetaTypeService;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketPids;
import ipsocket.api.SslSocket;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpSocket;
import ipsocket.shell.config.SocketConfigurations;
import ipsocket.shell.config.SocketMetatypes;
import ipsocket.shell.config.ValueCheck;

/**
 * Gogo commands in scope {@code ipsocket}: list, inspect and drive the sockets of the gateway,
 * and create or delete socket configurations. Each command returns its output as text.
 */
@Component(service = SocketCommands.class, property = {
    "osgi.command.scope=ipsocket",
    "osgi.command.function=list",
    "osgi.command.function=info",
    "osgi.command.function=connect",
    "osgi.command.function=disconnect",
    "osgi.command.function=write",
    "osgi.command.function=read",
    "osgi.command.function=readline",
    "osgi.command.function=create",
    "osgi.command.function=delete",
    "osgi.command.function=shutdown"})
public class SocketCommands {
    /**
     * The keys {@code create} takes, as its help lists them; {@code ConfigurationKeysTest} in
     * ipsocket.impl checks that they are the metatype's keys, kind by kind ({@code objectId} is the
     * command's name argument).
     */
    static final String SETTINGS_HELP = "key=value settings."
            + " Both kinds: parent, hostname, port, protocol, autoConnect, keepAlive, lowDelay,"
            + " multicastLoopback, multicastTtl, pathMtu, receiveBufferSize, sendBufferSize, typeOfService,"
            + " localAddress, localPort, connectTimeout, reconnectMinInterval, reconnectMaxInterval,"
            + " publishData, readBufferLimit, writeBufferLimit, maxLineLength, readOnly."
            + " tcp only: keepAliveIdle, keepAliveInterval, keepAliveCount, linger, connectionAttemptDelay."
            + " udp only: multicastGroups, multicastInterface, broadcast, receiveQueueLimit."
            + " tls takes the tcp keys too; tls only: peerVerifyMode, peerVerifyName, caCertificates,"
            + " localCertificate, privateKey, keyStore, sslProtocols, cipherSuites, pinnedPeerSha256, alpnProtocols,"
            + " handshakeTimeout."
            + " The key passwords belong in the configuration file, never on a command line."
            + " Servers (kind server): localAddress, localPort and the server keys in docs/CONFIGURATION-KEYS.md."
            + " Types, defaults and ranges: docs/CONFIGURATION-KEYS.md";

    private final List<IpSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<TcpServer> servers = new CopyOnWriteArrayList<>();
    /** Each server's {@code allowedPeers} service property (not in the TcpServer API). */
    private final Map<TcpServer, String[]> allowedPeers = new ConcurrentHashMap<>();
    private final SocketConfigurations configurations;
    /** The MetaType service, while one is bound. */
    private volatile ServiceReference<?> metaTypes;
    private final BundleContext context;

    /**
     * Creates the commands.
     *
     * @param configurationAdmin to create and delete socket configurations
     * @param context the bundle context, to stop the framework on {@code shutdown}
     */
    @Activate
    public SocketCommands(@Reference(name = "configurationAdmin") ConfigurationAdmin configurationAdmin,
            BundleContext context) {
        this.configurations = new SocketConfigurations(configurationAdmin);
        this.context = context;
    }

    /**
     * Binds the MetaType service, when there is one: {@code create} then checks values against
     * the kind's metatype before it writes anything. Bound by reference, so that this class
     * loads no MetaType class (the import is optional: without a MetaType service the socket
     * itself reports a bad value, as for a {@code .cfg} file).
     *
     * @param reference the MetaType service's reference
     */
    @Reference(name = "metaTypes", service = MetaTypeService.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindMetaTypes(ServiceReference<?> reference) {
        metaTypes = reference;
    }

    void unbindMetaTypes(ServiceReference<?> reference) {
        if (metaTypes == reference) {
            metaTypes = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSocket(IpSocket socket) {
        sockets.add(socket);
    }

    void removeSocket(IpSocket socket) {
        sockets.remove(socket);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedServer")
    void addServer(TcpServer server, Map<String, Object> properties) {
        updatedServer(server, properties);
        servers.add(server);
    }

    void updatedServer(TcpServer server, Map<String, Object> properties) {
        Object peers = properties.get(SocketConfig.ALLOWED_PEERS);
        allowedPeers.put(server, peers instanceof String[] ? (String[]) peers : new String[0]);
    }

    void removeServer(TcpServer server) {
        servers.remove(server);
        allowedPeers.remove(server);
    }

    /**
     * Lists every socket with its state, error and byte counters, and every server (state
     * Listening or Closed, its local endpoint and connection count) with its accepted connections
     * under it.
     *
     * @return one line per socket and server
     */
    @Descriptor("list every socket with its state, endpoint, last error and byte counters, and every server"
            + " with its connections")
    public String list() {
        List<IpSocket> sorted = new ArrayList<>(sockets);
        sorted.sort(Comparator.comparing(IpSocket::getObjectId));
        List<TcpServer> sortedServers = new ArrayList<>(servers);
        sortedServers.sort(Comparator.comparing(TcpServer::getObjectId));
        StringBuilder out = new StringBuilder(String.format("%-20s %-4s %-12s %-28s %-30s %10s %10s%n",
                "NAME", "TYPE", "STATE", "ENDPOINT", "ERROR", "RECEIVED", "SENT"));
        for (IpSocket socket : sorted) {
            if (!isServerConnection(socket)) {
                listSocket(out, socket, "");
            }
        }
        for (TcpServer server : sortedServers) {
            out.append(String.format("%-20s %-4s %-12s %-28s %-30s %10s%n", server.getObjectId(), "SRV",
                    serverState(server),
                    server.getLocalAddress() + ":" + server.getLocalPort(), server.getError().seedName(),
                    server.getConnections().size() + " conn"));
            for (IpSocket socket : sorted) {
                if (socket.getParent().equals(server.getObjectId())) {
                    listSocket(out, socket, "  ");
                }
            }
        }
        if (sorted.isEmpty() && sortedServers.isEmpty()) {
            out.append("(no sockets: create one with ipsocket:create)\n");
        }
        return out.toString();
    }

    private static final String LIST_FORMAT = "%-20s %-4s %-12s %-28s %-30s %10d %10d%n";

    private static void listSocket(StringBuilder out, IpSocket socket, String indent) {
        out.append(String.format(LIST_FORMAT, indent + socket.getObjectId(), type(socket),
                socket.getState().seedName(), endpoint(socket), socket.getError().seedName(),
                socket.getBytesReceived(), socket.getBytesSent()));
    }

    /** Whether a socket was accepted by a server listed here (it is listed under the server). */
    private boolean isServerConnection(IpSocket socket) {
        String parent = socket.getParent();
        if (parent.isEmpty()) {
            return false;
        }
        for (TcpServer server : servers) {
            if (server.getObjectId().equals(parent)) {
                return true;
            }
        }
        return false;
    }

    private static String serverState(TcpServer server) {
        return server.isListening() ? (server.isPaused() ? "Paused" : "Listening") : "Closed";
    }

    /**
     * Shows everything about one socket or server.
     *
     * @param name the socket's or server's object id
     * @return the socket's state, addresses, counters and properties (private ones, with a
     *         leading dot, left out); or the server's state, endpoint, limits, allowed peers,
     *         error and connections
     */
    @Descriptor("show the state, addresses, counters and every property of a socket, or a server's state,"
            + " limits and connections")
    public String info(@Descriptor("the socket's or server's objectId, or its configuration name") String name) {
        TcpServer server = findServer(name);
        if (server != null) {
            return serverInfo(server);
        }
        IpSocket socket = require(name);
        StringBuilder out = new StringBuilder();
        line(out, "objectId", socket.getObjectId());
        line(out, "type", type(socket));
        line(out, "state", socket.getState().seedName());
        line(out, "error", socket.getError().seedName() + " (" + socket.getError().value() + ")");
        line(out, "errorString", socket.getErrorString());
        line(out, "local", socket.getLocalAddress() + ":" + socket.getLocalPort());
        line(out, "peer", socket.getPeerAddress() + ":" + socket.getPeerPort());
        line(out, "bytesAvailable", socket.getBytesAvailable());
        line(out, "bytesToWrite", socket.getBytesToWrite());
        line(out, "bytesReceived", socket.getBytesReceived());
        line(out, "bytesSent", socket.getBytesSent());
        line(out, "reconnects", socket.getReconnectCount());
        if (socket instanceof SslSocket) {
            SslSocket tls = (SslSocket) socket;
            line(out, "mode", tls.getMode().seedName());
            line(out, "encrypted", tls.isEncrypted());
            line(out, "sessionProtocol", tls.getSessionProtocol());
            line(out, "sessionCipher", tls.getSessionCipher());
            line(out, "peerCertificate", tls.getPeerCertificateChain().isEmpty() ? ""
                    : tls.getPeerCertificateChain().get(0).getSubjectX500Principal().getName());
        }
        if (socket instanceof UdpSocket) {
            UdpSocket udp = (UdpSocket) socket;
            line(out, "pendingDatagrams", udp.getPendingDatagramCount());
            line(out, "droppedDatagrams", udp.getDroppedDatagramCount());
        }
        for (Map.Entry<String, Object> property : socket.serializeProperties().entrySet()) {
            if (property.getKey().startsWith(".")) {
                continue; // a private property (a password): never shown
            }
            Object value = property.getValue();
            line(out, property.getKey(), value instanceof String[] ? String.join(",", (String[]) value) : value);
        }
        return out.toString();
    }

    /**
     * Finds a server by object id or configuration name; a socket with that exact object id
     * comes first (socket and server names are separate).
     */
    private TcpServer findServer(String name) {
        for (IpSocket socket : sockets) {
            if (socket.getObjectId().equals(name)) {
                return null;
            }
        }
        TcpServer byConfigurationName = null;
        for (TcpServer server : servers) {
            if (server.getObjectId().equals(name)) {
                return server;
            }
            if (byConfigurationName == null && server.getObjectId().equals(SocketPids.TCP_SERVER + "~" + name)) {
                byConfigurationName = server;
            }
        }
        return byConfigurationName;
    }

    private String serverInfo(TcpServer server) {
        StringBuilder out = new StringBuilder();
        line(out, "objectId", server.getObjectId());
        line(out, "type", "SRV");
        line(out, "state", serverState(server));
        line(out, "error", server.getError().seedName() + " (" + server.getError().value() + ")");
        line(out, "errorString", server.getErrorString());
        line(out, "local", server.getLocalAddress() + ":" + server.getLocalPort());
        line(out, "maxConnections", server.getMaxConnections());
        line(out, "maxPendingConnections", server.getMaxPendingConnections());
        String[] peers = allowedPeers.getOrDefault(server, new String[0]);
        line(out, "allowedPeers", peers.length == 0 ? "(all)" : String.join(",", peers));
        List<TcpSocket> connections = new ArrayList<>(server.getConnections());
        connections.sort(Comparator.comparing(TcpSocket::getObjectId));
        line(out, "connections", connections.size());
        for (TcpSocket connection : connections) {
            line(out, "  connection", connection.getObjectId() + " " + connection.getState().seedName());
        }
        return out.toString();
    }

    /**
     * Connects a socket (or makes a UDP socket's virtual connection).
     *
     * @param name the socket's object id
     * @return what was done
     */
    @Descriptor("connect a socket to its hostname and port")
    public String connect(@Descriptor("the socket's objectId, or its configuration name") String name) {
        require(name).connectToHost();
        return "connecting " + name;
    }

    /**
     * Disconnects a socket gracefully; automatic reconnecting pauses until {@code connect}.
     *
     * @param name the socket's object id
     * @return what was done
     */
    @Descriptor("disconnect a socket gracefully (pending bytes are sent first)")
    public String disconnect(@Descriptor("the socket's objectId, or its configuration name") String name) {
        require(name).disconnectFromHost();
        return "disconnecting " + name;
    }

    /**
     * Writes text, UTF-8 encoded; {@code \n}, {@code \r}, {@code \t} and {@code \\} are
     * translated.
     *
     * @param name the socket's object id
     * @param text the words to write, joined by single spaces
     * @return how many bytes were accepted
     */
    @Descriptor("write text to a socket (UTF-8; \\n, \\r, \\t and \\\\ are translated)")
    public String write(@Descriptor("the socket's objectId, or its configuration name") String name,
            @Descriptor("the text to write") String... text) {
        String joined = unescape(String.join(" ", text));
        long accepted = require(name).write(joined);
        if (accepted < 0) {
            IpSocket socket = require(name);
            return "write refused: " + socket.getState().seedName() + ", " + socket.getDeviceErrorString();
        }
        return accepted + " bytes accepted";
    }

    /**
     * Reads everything buffered, as text.
     *
     * @param name the socket's object id
     * @return the text, or a note that nothing is buffered
     */
    @Descriptor("read everything buffered on a socket, as UTF-8 text")
    public String read(@Descriptor("the socket's objectId, or its configuration name") String name) {
        byte[] bytes = require(name).readAll();
        return bytes.length == 0 ? "(nothing buffered)" : new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Reads one line.
     *
     * @param name the socket's object id
     * @return the line, or a note that no line is buffered
     */
    @Descriptor("read one line from a socket")
    public String readline(@Descriptor("the socket's objectId, or its configuration name") String name) {
        IpSocket socket = require(name);
        return socket.canReadLine() ? socket.readLine() : "(no complete line buffered)";
    }

    /**
     * Creates (or replaces) a socket configuration, as a {@code .cfg} file would.
     *
     * @param kind {@code tcp}, {@code udp}, {@code tls} or {@code server}
     * @param name the socket's name, used as objectId and configuration name
     * @param settings {@code key=value} pairs with the configuration keys
     * @return the configuration's PID
     * @throws IOException if ConfigAdmin fails
     */
    @Descriptor("create or replace a socket or server configuration, e.g. create tcp plc1 hostname=127.0.0.1"
            + " port=502, or create server meters localPort=5020")
    public String create(@Descriptor("tcp, udp, tls or server") String kind, @Descriptor("the new socket's objectId") String name,
            @Descriptor(SETTINGS_HELP) String... settings)
            throws IOException {
        return "configured " + configurations.create(kind, name, SocketConfigurations.settings(List.of(settings)),
                valueCheck(kind));
    }

    /** The metatype's check of a kind's values while a MetaType service is bound; else none. */
    private ValueCheck valueCheck(String kind) {
        ServiceReference<?> reference = metaTypes;
        if (reference == null) {
            return ValueCheck.NONE;
        }
        try {
            return SocketMetatypes.check(context, reference, SocketConfigurations.factoryPid(kind));
        } catch (IllegalArgumentException unknownKind) {
            return ValueCheck.NONE; // create refuses the kind itself, naming it
        } catch (LinkageError noMetatypePackage) {
            return ValueCheck.NONE;
        }
    }

    /**
     * Deletes the configuration of a socket, which closes it gracefully.
     *
     * @param name the socket's object id
     * @return what was deleted
     * @throws IOException if ConfigAdmin fails
     */
    @Descriptor("delete a socket's configuration; the socket closes gracefully")
    public String delete(@Descriptor("the socket's objectId, or its configuration name") String name) throws IOException {
        List<String> deleted = configurations.delete(name);
        return "deleted " + String.join(", ", deleted);
    }

    /**
     * Stops the gateway: every socket closes gracefully, then the process exits with status 0.
     *
     * @return what was done
     * @throws BundleException if the framework cannot be stopped
     */
    @Descriptor("stop the gateway: close every socket gracefully and exit")
    public String shutdown() throws BundleException {
        OrderlyExit.stopFramework(context);
        return "stopping the gateway";
    }

    private IpSocket require(String name) {
        try {
            return SocketConfigurations.find(sockets, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (see ipsocket:list)", e);
        }
    }

    private static String type(IpSocket socket) {
        return socket instanceof SslSocket ? "TLS" : socket instanceof TcpSocket ? "TCP"
                : socket instanceof UdpSocket ? "UDP" : "?";
    }

    private static String endpoint(IpSocket socket) {
        String host = socket.getHostname();
        return host.isEmpty() ? "-" : socket.getNameArgument();
    }

    private static void line(StringBuilder out, String key, Object value) {
        out.append(String.format("%-20s %s%n", key, value));
    }

    static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                switch (next) {
                    case 'n':
                        out.append('\n');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    default:
                        out.append(next);
                        break;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

}
