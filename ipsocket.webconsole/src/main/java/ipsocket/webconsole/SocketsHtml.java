package ipsocket.webconsole;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import ipsocket.api.IpSocket;
import ipsocket.api.SslSocket;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpSocket;
import ipsocket.shell.config.SocketConfigurations;

/**
 * Writes the ipsocket page's HTML: a table of sockets, a table of servers, and the create form.
 * Every value from a socket, a configuration or the request is encoded for its HTML context.
 */
final class SocketsHtml {
    private final PrintWriter out;
    private final String action;
    private final String token;

    /**
     * Writes to one response.
     *
     * @param out the response's writer
     * @param action where the forms post (the page's own URL)
     * @param token the form token
     */
    SocketsHtml(PrintWriter out, String action, String token) {
        this.out = out;
        this.action = action;
        this.token = token;
    }

    /**
     * Writes the whole page body.
     *
     * @param message what the last action did, or {@code null}
     * @param sockets every socket
     * @param servers every server
     */
    void page(String message, Collection<IpSocket> sockets, Collection<TcpServer> servers) {
        if (message != null && !message.isEmpty()) {
            out.println("<p class='statline' id='ipsocket-message'>" + forHtml(message) + "</p>");
        }
        socketTable(sockets);
        serverTable(servers);
        createForm();
        out.println("<p class='ui-state-default'>Reconnect and drop counters are not in the ipsocket API;"
                + " the events (--events FILE) carry them.</p>");
    }

    private void socketTable(Collection<IpSocket> sockets) {
        out.println("<h2>Sockets</h2>");
        out.println("<table class='tablesorter nicetable' id='ipsocket-sockets'><thead><tr>"
                + "<th>Name</th><th>Type</th><th>State</th><th>Endpoint</th><th>Peer</th><th>Local</th>"
                + "<th>Server</th><th>Error</th><th>Received</th><th>Sent</th><th>To write</th><th>Actions</th>"
                + "</tr></thead><tbody>");
        List<IpSocket> sorted = sockets.stream().sorted(Comparator.comparing(IpSocket::getObjectId))
                .collect(Collectors.toList());
        for (IpSocket socket : sorted) {
            String name = socket.getObjectId();
            out.println("<tr data-socket='" + forHtmlAttribute(name) + "'>"
                    + cell("name", name)
                    + cell("type", type(socket))
                    + cell("state", socket.getState().seedName())
                    + cell("endpoint", socket.getHostname().isEmpty() ? "-"
                            : socket.getHostname() + ":" + socket.getPort())
                    + cell("peer", socket.getPeerAddress().isEmpty() ? "-"
                            : socket.getPeerAddress() + ":" + socket.getPeerPort())
                    + cell("local", socket.getLocalAddress().isEmpty() ? "-"
                            : socket.getLocalAddress() + ":" + socket.getLocalPort())
                    + cell("server", socket.getParent().isEmpty() ? "-" : socket.getParent())
                    + cell("error", error(socket.getError().seedName(), socket.getErrorString()))
                    + cell("received", Long.toString(socket.getBytesReceived()))
                    + cell("sent", Long.toString(socket.getBytesSent()))
                    + cell("towrite", Long.toString(socket.getBytesToWrite()))
                    + "<td class='actions'>" + button("connect", name, "Connect")
                    + button("disconnect", name, "Disconnect") + button("delete", name, "Delete") + "</td></tr>");
        }
        if (sorted.isEmpty()) {
            out.println("<tr><td colspan='12'>No sockets: create one below.</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private void serverTable(Collection<TcpServer> servers) {
        out.println("<h2>Servers</h2>");
        out.println("<table class='tablesorter nicetable' id='ipsocket-servers'><thead><tr>"
                + "<th>Name</th><th>State</th><th>Local</th><th>Connections</th><th>Error</th><th>Actions</th>"
                + "</tr></thead><tbody>");
        List<TcpServer> sorted = servers.stream().sorted(Comparator.comparing(TcpServer::getObjectId))
                .collect(Collectors.toList());
        for (TcpServer server : sorted) {
            String name = server.getObjectId();
            String state = server.isListening() ? (server.isPaused() ? "Paused" : "Listening") : "Closed";
            out.println("<tr data-server='" + forHtmlAttribute(name) + "'>"
                    + cell("name", name)
                    + cell("state", state)
                    + cell("local", server.getLocalAddress() + ":" + server.getLocalPort())
                    + cell("connections", server.getConnections().size() + " of " + server.getMaxConnections())
                    + cell("error", error(server.getError().seedName(), server.getErrorString()))
                    + "<td class='actions'>" + button("delete", name, "Delete") + "</td></tr>");
        }
        if (sorted.isEmpty()) {
            out.println("<tr><td colspan='6'>No servers.</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private void createForm() {
        out.println("<h2>Create</h2>");
        out.println("<form method='post' action='" + forHtmlAttribute(action) + "' id='ipsocket-create'>");
        out.println(hidden("action", "create") + hidden("token", token));
        out.println("<table class='nicetable'><tbody>");
        StringBuilder kinds = new StringBuilder("<select name='kind' id='ipsocket-kind'>");
        for (String kind : SocketConfigurations.KINDS) {
            kinds.append("<option value='").append(forHtmlAttribute(kind)).append("'>").append(forHtml(kind))
                    .append("</option>");
        }
        out.println(row("Kind", kinds.append("</select>").toString()));
        out.println(row("Name", input("name", "the socket's objectId")));
        out.println(row("Hostname", input("hostname", "peer host (tcp, udp, tls)")));
        out.println(row("Port", input("port", "peer port (tcp, udp, tls)")));
        out.println(row("Local port", input("localPort", "local port (server, udp)")));
        out.println(row("More settings", "<textarea name='settings' id='ipsocket-settings' rows='3' cols='40'"
                + " placeholder='key=value, one a line (docs/CONFIGURATION-KEYS.md)'></textarea>"));
        out.println("</tbody></table><button type='submit' id='ipsocket-create-submit'>Create</button></form>");
    }

    private String button(String verb, String name, String label) {
        return "<form method='post' action='" + forHtmlAttribute(action) + "' style='display:inline'>"
                + hidden("action", verb) + hidden("name", name) + hidden("token", token)
                + "<button type='submit' class='" + verb + "'>" + forHtml(label) + "</button></form>";
    }

    private static String cell(String kind, String text) {
        return "<td class='" + kind + "'>" + forHtml(text) + "</td>";
    }

    private static String row(String label, String field) {
        return "<tr><td>" + forHtml(label) + "</td><td>" + field + "</td></tr>";
    }

    private static String input(String name, String placeholder) {
        return "<input type='text' name='" + name + "' id='ipsocket-" + name + "' placeholder='"
                + forHtmlAttribute(placeholder) + "'>";
    }

    private static String hidden(String name, String value) {
        return "<input type='hidden' name='" + name + "' value='" + forHtmlAttribute(value) + "'>";
    }

    private static String error(String error, String errorString) {
        return errorString.isEmpty() ? error : error + ": " + errorString;
    }

    private static String type(IpSocket socket) {
        return socket instanceof SslSocket ? "TLS" : socket instanceof TcpSocket ? "TCP"
                : socket instanceof UdpSocket ? "UDP" : "?";
    }
}
