/**
 * Test helpers of the reliability suite: loopback peers, a recording listener, deadline waits
 * and process resource counts. Copied from {@code ipsocket.impl/src/test/java/ipsocket/impl/testing}
 * (only the package changed) so that this module needs no test jar of another module.
 */
package ipsocket.reliability.kit;
