/**
 * The gateway's event outputs: the JSON lines events file and the console printer, both EventHandlers,
 * the gateway log, the periodic writer of the walk-through, and the guard that keeps oversized
 * configuration files from FileInstall.
 *
 * <p>May import: {@code ipsocket.api}, Gson, the OSGi framework, DS, EventAdmin, the OSGi log, FileInstall's
 * {@code ArtifactInstaller} and metatype annotations.
 */
package ipsocket.events;
