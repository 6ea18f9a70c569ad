package ipsocket.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

/** Which OSGi log entries the gateway log keeps. */
class GatewayLogTest {

    @Test
    void warningsFromAnyoneAndIpsocketInfoButNotFrameworkEventRecords() {
        assertTrue(GatewayLog.kept(LogLevel.WARN, "org.apache.felix.scr", "org.apache.felix.scr"));
        assertTrue(GatewayLog.kept(LogLevel.ERROR, null, null));
        assertTrue(GatewayLog.kept(LogLevel.AUDIT, "org.apache.felix.fileinstall", null));
        assertTrue(GatewayLog.kept(LogLevel.INFO, "ipsocket.impl", "ipsocket.impl.osgi.SocketRuntime"));
        assertFalse(GatewayLog.kept(LogLevel.INFO, "ipsocket.impl", "Events.Service"));
        assertFalse(GatewayLog.kept(LogLevel.INFO, "ipsocket.test.marker", "Events.Bundle"));
        assertFalse(GatewayLog.kept(LogLevel.INFO, "org.apache.felix.scr", "org.apache.felix.scr"));
        assertFalse(GatewayLog.kept(LogLevel.DEBUG, "ipsocket.impl", "ipsocket.impl.osgi.SocketRuntime"));
    }
}
