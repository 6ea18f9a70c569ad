/**
 * The public API of ipsocket: TCP and UDP client sockets for OSGi gateways with the semantics
 * of the InCore {@code IpSocket}, {@code TcpSocket} and {@code UdpSocket} objects (which follow
 * Qt's {@code QAbstractSocket}).
 *
 * <p>The sockets themselves ({@link ipsocket.api.TcpSocket}, {@link ipsocket.api.UdpSocket})
 * are provided by the {@code ipsocket.impl} bundle, either configured through ConfigAdmin
 * (factory PIDs in {@link ipsocket.api.SocketPids}, keys in {@link ipsocket.api.SocketConfig})
 * or created from code through a Declarative Services component factory. What happens to a
 * socket is reported to {@link ipsocket.api.SocketListener}s added on the socket and, as OSGi
 * events, through EventAdmin ({@link ipsocket.api.SocketEvents}).
 *
 * <p>Since 1.1, {@link ipsocket.api.TcpServer} accepts connections (factory PID
 * {@link ipsocket.api.SocketPids#TCP_SERVER}); each accepted connection is a
 * {@link ipsocket.api.TcpSocket}, and {@link ipsocket.api.TcpServerListener} receives the server's
 * signals.
 * <p>Since 1.1, {@link ipsocket.api.SslSocket} adds TLS client sockets (a {@code TcpSocket} with
 * an encrypted stream, after Qt's {@code QSslSocket}), with {@link ipsocket.api.PeerVerifyMode},
 * {@link ipsocket.api.SslMode} and the TLS signals of {@link ipsocket.api.SocketListener}.
 *
 * <h2>Naming</h2>
 * Every property of the InCore page is a getter, and a setter where the page calls it writable:
 * {@code hostname} is {@code getHostname()}/{@code setHostname(String)}, the boolean
 * {@code keepAlive} is {@code isKeepAlive()}/{@code setKeepAlive(boolean)}. Properties whose
 * names are already questions keep them: {@code isOpen()}, {@code isWritable()},
 * {@code canReadLine()}, {@code atEnd()}. Enumerations keep the InCore values and return the
 * InCore spelling from {@code seedName()}.
 *
 * <h2>Versioning</h2>
 * This package follows OSGi semantic versioning. The socket interfaces are
 * {@link org.osgi.annotation.versioning.ProviderType provider types}: a bundle that only uses
 * the sockets imports {@code [1.0,2.0)}, while a bundle that implements them imports
 * {@code [1.0,1.1)}. {@link ipsocket.api.SocketListener} is a
 * {@link org.osgi.annotation.versioning.ConsumerType consumer type}: implementing it is safe
 * across every {@code 1.x} release; so is {@link ipsocket.api.TcpServerListener} (since 1.1).
 */
@Export
@Version("1.1.0")
package ipsocket.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
