package ipsocket.webconsole;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;

import org.apache.felix.webconsole.WebConsoleSecurityProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Registers the operator's login as the Web Console's security provider {@value #PROVIDER_ID},
 * only when a password is set. The gateway's framework property
 * {@code felix.webconsole.security.providers=ipsocket} makes the Web Console wait for this
 * provider: without a password no console page is served at all, and the console's own default
 * user (admin/admin) never gets a chance.
 */
@Component(immediate = true, service = {})
public class WebConsoleLogin {
    /** The provider's id, which the gateway requires through {@code felix.webconsole.security.providers}. */
    static final String PROVIDER_ID = "ipsocket";
    /** The user name that logs in (HTTP Basic). */
    static final String USER = "admin";

    private final ServiceRegistration<WebConsoleSecurityProvider> registration;

    /**
     * Reads the password and registers the login with it.
     *
     * @param context the bundle context: framework properties, registration
     * @param loggers where a missing or bad password is reported
     */
    @Activate
    public WebConsoleLogin(BundleContext context, @Reference(name = "loggers") LoggerFactory loggers) {
        Logger logger = loggers.getLogger(WebConsoleLogin.class);
        Optional<String> password;
        try {
            password = OperatorPassword.read(context::getProperty, System::getenv);
        } catch (IOException | IllegalArgumentException e) {
            logger.error("Web Console closed: no usable password ({})", e.getMessage());
            password = Optional.empty();
        }
        if (password.isEmpty()) {
            logger.info("Web Console closed: no password set ({} or {})", OperatorPassword.FILE_PROPERTY,
                    OperatorPassword.ENVIRONMENT);
            registration = null;
            return;
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("webconsole.security.provider.id", PROVIDER_ID);
        registration = context.registerService(WebConsoleSecurityProvider.class,
                new PasswordSecurityProvider(USER, password.get()), properties);
    }

    /** Unregisters the login: the Web Console closes again. */
    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }
}
