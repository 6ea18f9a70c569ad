/**
 * Socket configurations made and removed through ConfigAdmin, as a {@code .cfg} file would: the one
 * place that the shell's {@code ipsocket:create} and {@code ipsocket:delete} and the Web Console's
 * ipsocket page both use, so both write exactly the same factory configurations.
 *
 * <p>May import: {@code ipsocket.api}, ConfigAdmin, the OSGi framework.
 */
@Export
@Version("1.1.0")
package ipsocket.shell.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
