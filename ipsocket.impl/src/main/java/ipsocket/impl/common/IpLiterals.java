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
    /** Longest IPv6 literal (45) plus a generous scope (interface name or number). */
    private static final int MAX_LITERAL_LENGTH = 45 + 1 + 64;

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
        if (text == null || text.length() > MAX_LITERAL_LENGTH
                || !(IPV4.matcher(text).matches() || looksLikeIpv6(text))) {
            return Optional.empty();
        }
        try {
            // A literal never causes a lookup: getByName only parses it.
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Hex digits, dots and at least one colon, then optionally %scope: linear, no backtracking. */
    private static boolean looksLikeIpv6(String text) {
        int scope = text.indexOf('%');
        int end = scope < 0 ? text.length() : scope;
        boolean colon = false;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (!(c == '.' || Character.digit(c, 16) >= 0)) {
                return false;
            }
        }
        if (scope >= 0) {
            for (int i = scope + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                    return false;
                }
            }
            if (scope == text.length() - 1) {
                return false;
            }
        }
        return colon;
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
            throw new IllegalArgumentException("localAddress '" + Texts.abbreviate(text)
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
            throw new IllegalArgumentException("multicastGroups entry '" + Texts.abbreviate(text)
                    + "' is not a multicast address literal (224.0.0.0/4 or ff00::/8)");
        }
        return text;
    }
}
