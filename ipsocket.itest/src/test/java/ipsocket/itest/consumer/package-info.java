/**
 * A consumer bundle built on the fly by the integration tests: a DS component that references a socket
 * service, as a gateway bundle would.
 *
 * <p>May import: {@code ipsocket.api} and the DS annotations only.
 */
package ipsocket.itest.consumer;
