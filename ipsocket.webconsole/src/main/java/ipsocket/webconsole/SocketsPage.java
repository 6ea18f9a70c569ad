package ipsocket.webconsole;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
import org.osgi.service.metatype.MetaTypeService;

import ipsocket.api.IpSocket;
import ipsocket.api.TcpServer;
import ipsocket.shell.config.SocketConfigurations;
import ipsocket.shell.config.SocketMetatypes;

/**
 * The Web Console page {@code /system/console/ipsocket}: GET shows every socket and server
 * ({@link SocketsHtml}) and the create form of the kind asked for, made from its metatype
 * ({@link CreateForm}); POST runs one action (connect, disconnect, create, delete) and sends the
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
    private final transient SocketMetatypes metatypes;
    private final transient FormToken token = new FormToken();

    /**
     * Creates the page.
     *
     * @param context the bundle context, for the console's plugin support
     * @param configurationAdmin where sockets are created and deleted
     * @param metaTypes the metatype the create form is made from
     */
    @Activate
    public SocketsPage(BundleContext context, @Reference(name = "configurationAdmin") ConfigurationAdmin configurationAdmin,
            @Reference(name = "metaTypes") MetaTypeService metaTypes) {
        this.configurations = new SocketConfigurations(configurationAdmin);
        this.metatypes = new SocketMetatypes(context, metaTypes);
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
        String kind = kind(request);
        CreateForm form = null;
        String unavailable = null;
        try {
            form = form(kind);
        } catch (IllegalStateException e) {
            unavailable = "No create form: " + e.getMessage();
        }
        new SocketsHtml(response.getWriter(), pageUrl(request), token.value()).page(request.getParameter("message"),
                sockets, servers, kind, form, unavailable);
    }

    /** The kind the request names (the kind chooser, or the create form's hidden field); tcp if none. */
    private static String kind(HttpServletRequest request) {
        String kind = request.getParameter("kind");
        return kind != null && SocketConfigurations.KINDS.contains(kind) ? kind : SocketConfigurations.KINDS.get(0);
    }

    private CreateForm form(String kind) {
        return new CreateForm(metatypes.definition(SocketConfigurations.factoryPid(kind)));
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
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            message = "Failed: " + e.getMessage();
        }
        // Post, redirect, get: reloading the page does not repeat the action.
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", pageUrl(request) + "?kind=" + kind(request) + "&message="
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
                String kind = request.getParameter("kind"); // as sent: an unknown kind is refused, naming it
                CreateForm form = form(kind);
                return "Configured " + configurations.create(kind, name, form.settings(request::getParameterValues),
                        form.check());
            default:
                throw new IllegalArgumentException("no action '" + action + "'");
        }
    }

    private static String pageUrl(HttpServletRequest request) {
        Object root = request.getAttribute(WebConsoleConstants.ATTR_PLUGIN_ROOT);
        return root != null ? root.toString() : request.getRequestURI();
    }
}
