package ipsocket.impl.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises IP address literals so they are parsed without a DNS lookup.
 */
public final class IpLiterals {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.\\-]+)?");

    private IpLiterals() {
    }

    /**
     * Parses an IPv4 literal or an IPv6 literal (optionally with a {@code %scope}, without
     * brackets); anything else is not a literal.
     *
     * @param text the text
     * @return the address, or empty if the text is no valid IP literal
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
            return Optional.empty();
        }
        try {
            // A literal never causes a lookup: getByName only parses it.
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks that a text is an IP literal, for local addresses to bind to.
     *
     * @param text the address
     * @return the text, unchanged
     * @throws IllegalArgumentException if it is no IP literal
     */
    public static String requireLiteral(String text) {
        if (parse(text).isEmpty()) {
            throw new IllegalArgumentException("localAddress '" + text
                    + "' is not an IP literal such as 127.0.0.1 or ::1 (host names are not looked up for binding)");
        }
        return text;
    }

    /**
     * Checks that a text is a multicast group literal.
     *
     * @param text the group
     * @return the text, unchanged
     * @throws IllegalArgumentException if it is no multicast address literal
     */
    public static String requireMulticast(String text) {
        Optional<InetAddress> address = parse(text);
        if (address.isEmpty() || !address.get().isMulticastAddress()) {
            throw new IllegalArgumentException("multicastGroups entry '" + text
                    + "' is not a multicast address literal (224.0.0.0/4 or ff00::/8)");
        }
        return text;
    }
}
