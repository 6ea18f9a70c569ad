package ipsocket.webconsole;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The form token: only its own value matches, and each page instance has its own. */
class FormTokenTest {
    @Test
    void onlyItsOwnValueMatches() {
        FormToken token = new FormToken();
        assertTrue(token.matches(token.value()));
        assertFalse(token.matches(null));
        assertFalse(token.matches(""));
        assertFalse(token.matches(token.value().substring(1)));
        assertNotEquals(token.value(), new FormToken().value());
        assertTrue(token.value().length() >= 32, "at least 128 random bits in hex");
    }
}
