package ipsocket.webconsole;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.felix.webconsole.AbstractWebConsolePlugin;
import org.apache.felix.webconsole.WebConsoleConstants;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import ipsocket.api.IpSocket;
import ipsocket.api.TcpServer;
import ipsocket.shell.config.SocketConfigurations;

/**
 * The Web Console page {@code /system/console/ipsocket}: GET shows every socket and server
 * ({@link SocketsHtml}); POST runs one action (connect, disconnect, create, delete) and sends the
 * browser back to the page with what it did. Actions are POST only and need the page's
 * {@link FormToken}; the Web Console has checked the login before this page is called.
 */
@Component(service = Servlet.class, property = {
    WebConsoleConstants.PLUGIN_LABEL + "=" + SocketsPage.LABEL,
    WebConsoleConstants.PLUGIN_TITLE + "=ipsocket",
    WebConsoleConstants.PLUGIN_CATEGORY + "=ipsocket"})
public class SocketsPage extends AbstractWebConsolePlugin {
    /** The page's label: its path below the console. */
    static final String LABEL = "ipsocket";
    private static final long serialVersionUID = 1L;

    /** Every socket: SCR replaces the list as they come and go. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile List<IpSocket> sockets = List.of();
    /** Every server: SCR replaces the list as they come and go. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile List<TcpServer> servers = List.of();
    private final transient SocketConfigurations configurations;
    private final transient FormToken token = new FormToken();

    /**
     * Creates the page.
     *
     * @param context the bundle context, for the console's plugin support
     * @param configurationAdmin where sockets are created and deleted
     */
    @Activate
    public SocketsPage(BundleContext context, @Reference(name = "configurationAdmin") ConfigurationAdmin configurationAdmin) {
        this.configurations = new SocketConfigurations(configurationAdmin);
        activate(context);
    }

    @Override
    @Deactivate
    public void deactivate() {
        super.deactivate();
    }

    @Override
    public String getLabel() {
        return LABEL;
    }

    @Override
    public String getTitle() {
        return "ipsocket";
    }

    @Override
    public String getCategory() {
        return "ipsocket";
    }

    @Override
    protected void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        new SocketsHtml(response.getWriter(), pageUrl(request), token.value()).page(request.getParameter("message"),
                sockets, servers);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!token.matches(request.getParameter("token"))) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "the form is not from this page");
            return;
        }
        String message;
        try {
            message = act(request);
        } catch (IllegalArgumentException | IOException e) {
            message = "Failed: " + e.getMessage();
        }
        // Post, redirect, get: reloading the page does not repeat the action.
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", pageUrl(request) + "?message="
                + URLEncoder.encode(message, StandardCharsets.UTF_8));
    }

    private String act(HttpServletRequest request) throws IOException {
        String action = String.valueOf(request.getParameter("action"));
        String name = request.getParameter("name");
        switch (action) {
            case "connect":
                SocketConfigurations.find(sockets, name).connectToHost();
                return "Connecting " + name;
            case "disconnect":
                SocketConfigurations.find(sockets, name).disconnectFromHost();
                return "Disconnecting " + name;
            case "delete":
                return "Deleted " + String.join(", ", configurations.delete(String.valueOf(name)));
            case "create":
                return "Configured " + configurations.create(request.getParameter("kind"), name, settings(request));
            default:
                throw new IllegalArgumentException("no action '" + action + "'");
        }
    }

    /** The create form's fields that are set, then its free key=value lines. */
    private static Map<String, String> settings(HttpServletRequest request) {
        List<String> lines = new ArrayList<>();
        for (String key : List.of("hostname", "port", "localPort")) {
            String value = request.getParameter(key);
            if (value != null && !value.isBlank()) {
                lines.add(key + "=" + value);
            }
        }
        String more = request.getParameter("settings");
        if (more != null) {
            Arrays.stream(more.split("\r?\n")).filter(line -> !line.isBlank()).forEach(lines::add);
        }
        return new LinkedHashMap<>(SocketConfigurations.settings(lines));
    }

    private static String pageUrl(HttpServletRequest request) {
        Object root = request.getAttribute(WebConsoleConstants.ATTR_PLUGIN_ROOT);
        return root != null ? root.toString() : request.getRequestURI();
    }
}
