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
    /** What the Drops column counts, and why a TCP socket shows "-" (the column's tooltip). */
    static final String NO_TCP_DROPS = "UDP: datagrams dropped from the full receive queue. TCP (-): nothing is"
            + " dropped by design (backpressure: a full read buffer stops reading, a full write buffer refuses writes)";
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
     * @param kind the kind whose create form is shown
     * @param form that kind's create form, or {@code null} if its metatype is not there
     * @param unavailable why there is no form (when {@code form} is {@code null})
     */
    void page(String message, Collection<IpSocket> sockets, Collection<TcpServer> servers, String kind,
            CreateForm form, String unavailable) {
        if (message != null && !message.isEmpty()) {
            out.println("<p class='statline' id='ipsocket-message'>" + forHtml(message) + "</p>");
        }
        socketTable(sockets);
        serverTable(servers);
        createForm(kind, form, unavailable);
    }

    private void socketTable(Collection<IpSocket> sockets) {
        out.println("<h2>Sockets</h2>");
        out.println("<table class='tablesorter nicetable' id='ipsocket-sockets'><thead><tr>"
                + "<th>Name</th><th>Type</th><th>State</th><th>Endpoint</th><th>Peer</th><th>Local</th>"
                + "<th>Server</th><th>Error</th><th>Received</th><th>Sent</th><th>To write</th>"
                + "<th title='connections established after the first, automatic and explicit'>Reconnects</th>"
                + "<th title='" + forHtmlAttribute(NO_TCP_DROPS) + "'>Drops</th><th>Actions</th>"
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
                    + cell("reconnects", Long.toString(socket.getReconnectCount()))
                    + drops(socket)
                    + "<td class='actions'>" + button("connect", name, "Connect")
                    + button("disconnect", name, "Disconnect") + button("delete", name, "Delete") + "</td></tr>");
        }
        if (sorted.isEmpty()) {
            out.println("<tr><td colspan='14'>No sockets: create one below.</td></tr>");
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

    /**
     * Writes the create form: a choice of kind (a GET form, so the page is made again with that
     * kind's fields) and the kind's form made from its metatype.
     */
    private void createForm(String kind, CreateForm form, String unavailable) {
        out.println("<h2>Create</h2>");
        StringBuilder kinds = new StringBuilder("<form method='get' action='" + forHtmlAttribute(action)
                + "' id='ipsocket-kind-form'><select name='kind' id='ipsocket-kind' onchange='this.form.submit()'>");
        for (String each : SocketConfigurations.KINDS) {
            String label = SocketConfigurations.factoryPid(each).substring("ipsocket.".length());
            kinds.append("<option value='").append(forHtmlAttribute(each)).append('\'')
                    .append(each.equals(kind) ? " selected" : "").append('>').append(forHtml(label)).append("</option>");
        }
        out.println(kinds.append("</select> <button type='submit' id='ipsocket-kind-submit'>Show its settings</button>")
                .append("</form>"));
        if (form == null) {
            out.println("<p class='ui-state-error' id='ipsocket-form-unavailable'>" + forHtml(unavailable) + "</p>");
            return;
        }
        StringBuilder html = new StringBuilder("<form method='post' action='" + forHtmlAttribute(action)
                + "' id='ipsocket-create'>");
        html.append(hidden("action", "create")).append(hidden("token", token)).append(hidden("kind", kind));
        html.append("<table class='nicetable' id='ipsocket-create-fields'><thead><tr><th colspan='2'>")
                .append(forHtml(form.title())).append(": the settings from its metatype; only values that differ"
                + " from the default are stored</th></tr></thead><tbody>");
        form.rows(html);
        html.append("</tbody></table><button type='submit' id='ipsocket-create-submit'>Create</button></form>");
        out.println(html);
    }

    private String button(String verb, String name, String label) {
        return "<form method='post' action='" + forHtmlAttribute(action) + "' style='display:inline'>"
                + hidden("action", verb) + hidden("name", name) + hidden("token", token)
                + "<button type='submit' class='" + verb + "'>" + forHtml(label) + "</button></form>";
    }

    /**
     * A UDP socket's dropped datagrams; "-" for TCP, which drops nothing by design (its tooltip
     * says why).
     */
    private static String drops(IpSocket socket) {
        if (socket instanceof UdpSocket) {
            return cell("drops", Long.toString(((UdpSocket) socket).getDroppedDatagramCount()));
        }
        return "<td class='drops' title='" + forHtmlAttribute(NO_TCP_DROPS) + "'>-</td>";
    }

    private static String cell(String kind, String text) {
        return "<td class='" + kind + "'>" + forHtml(text) + "</td>";
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
