/**
 * The gateway's event outputs: the JSON lines events file and the console printer, both EventHandlers,
 * and the periodic writer of the walk-through.
 *
 * <p>May import: {@code ipsocket.api}, Gson, the OSGi framework, DS, EventAdmin and metatype annotations.
 */
package ipsocket.events;
