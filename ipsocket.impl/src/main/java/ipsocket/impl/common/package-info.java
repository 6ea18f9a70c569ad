/**
 * What every socket kind shares: the one connection state machine ({@code ConnectionLifecycle}) and
 * the {@code Transport} interface a kind implements to plug into it ({@code ChannelTransport} is its
 * base for one selectable channel); state and error reporting in one order ({@code SocketStatus});
 * the property definitions, values and their API accessors ({@code PropertyDef},
 * {@code PropertyValues}, {@code IpSocketProperties}); the typed, already checked settings a socket
 * takes as its whole configuration ({@code SocketSettings}); option tables ({@code ChannelOptions}); the
 * output side every kind builds on, with its hand-off to the loop ({@code ChannelOutput}); host
 * resolution, literals, error
 * classification and JSON.
 *
 * <p>May import: {@code ipsocket.api}, {@code ipsocket.impl.loop}, {@code ipsocket.impl.io} and the
 * JDK. Never OSGi and never a socket kind's package.
 */
package ipsocket.impl.common;
