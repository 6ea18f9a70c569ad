/**
 * Network faults made for real: refused and dropped connects, resets, half-close, half-open, link
 * down, slow readers and floods, in network namespaces the tests build themselves.
 *
 * <p>May import: {@code ipsocket.api}, the engine packages of {@code ipsocket.impl}, its test helpers
 * ({@code ipsocket.impl.testing}), JUnit 5.
 */
package ipsocket.reliability.fault;
