/**
 * Hostile and careless input: random bytes and datagrams from peers, random configuration values,
 * enforced limits, a failing listener.
 *
 * <p>May import: {@code ipsocket.api}, the engine packages of {@code ipsocket.impl}, its test helpers, the kit, JUnit 5.
 */
package ipsocket.reliability.input;
