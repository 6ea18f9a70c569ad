package ipsocket.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The login: only the operator's user and password pass. */
class PasswordSecurityProviderTest {
    private final PasswordSecurityProvider provider = new PasswordSecurityProvider("admin", "a-long-secret");

    @Test
    void theOperatorsPasswordLogsIn() {
        Object user = provider.authenticate("admin", "a-long-secret");
        assertEquals("admin", user);
        assertTrue(provider.authorize(user, "any role"));
    }

    @Test
    void anythingElseDoesNot() {
        assertNull(provider.authenticate("admin", "admin"));
        assertNull(provider.authenticate("admin", "a-long-secret "));
        assertNull(provider.authenticate("root", "a-long-secret"));
        assertNull(provider.authenticate(null, "a-long-secret"));
        assertNull(provider.authenticate("admin", null));
        assertFalse(provider.authorize(null, "any role"));
    }
}
