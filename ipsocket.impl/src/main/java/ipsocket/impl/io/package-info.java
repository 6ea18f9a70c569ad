/**
 * Byte buffers of a stream socket: the bounded read buffer with line detection ({@code ReadBuffer},
 * {@code Newlines}) and the write buffer of pooled chunks ({@code WriteBuffer}). No threads, no
 * locks of their own: the owning socket guards them.
 *
 * <p>May import: the JDK only.
 */
package ipsocket.impl.io;
