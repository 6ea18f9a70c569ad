/**
 * The events benchmark: ipsocket in an embedded Felix with ConfigAdmin and EventAdmin, counting
 * what reaches an EventHandler.
 *
 * <p>May import: {@code ipsocket.api}, {@code ipsocket.bench}, the OSGi framework and service APIs.
 */
package ipsocket.bench.events;
