/**
 * Leak tests: file descriptors, threads and selectors across many connect and close cycles.
 *
 * <p>May import: {@code ipsocket.api}, the engine packages of {@code ipsocket.impl}, its test helpers, JUnit 5.
 */
package ipsocket.reliability.leak;
