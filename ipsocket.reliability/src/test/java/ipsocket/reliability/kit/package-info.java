/**
 * Helpers of the reliability suite only; the socket fixture, the loopback peers, the recording
 * listener and the deadline waits shared with the unit tests come from {@code ipsocket.impl}'s
 * test jar ({@code ipsocket.impl.testing}).
 */
package ipsocket.reliability.kit;
