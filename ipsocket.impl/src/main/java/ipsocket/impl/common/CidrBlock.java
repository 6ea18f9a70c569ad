package ipsocket.impl.common;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * An address block in CIDR notation ({@code 192.168.1.0/24}, {@code fd00::/8}), or one address
 * (a literal without a prefix length), for a server's {@code allowedPeers}. An IPv4-mapped IPv6
 * peer ({@code ::ffff:192.168.1.5}, as a dual-stack listener sees IPv4 clients) matches the IPv4
 * blocks. Immutable.
 */
public final class CidrBlock {
    private final byte[] network;
    private final int prefixLength;

    private CidrBlock(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses a block.
     *
     * @param text {@code address/length} or a single address literal
     * @return the block
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static CidrBlock parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress parsed = IpLiterals.parse(address).filter(a -> address.indexOf('%') < 0).orElseThrow(() ->
                new IllegalArgumentException("allowedPeers entry '" + Texts.abbreviate(text)
                        + "' is not an address block such as 192.168.1.0/24, fd00::/8 or 127.0.0.1"));
        byte[] bytes = parsed.getAddress();
        int bits = bytes.length * 8;
        int length = bits;
        if (slash >= 0) {
            String lengthText = text.substring(slash + 1);
            if (!lengthText.matches("\\d{1,3}") || Integer.parseInt(lengthText) > bits) {
                throw new IllegalArgumentException("allowedPeers entry '" + Texts.abbreviate(text)
                        + "' has a prefix length that is not 0 to " + bits);
            }
            length = Integer.parseInt(lengthText);
        }
        return new CidrBlock(masked(bytes, length), length);
    }

    /**
     * Checks a text as a block, for the configuration key.
     *
     * @param text the block
     * @return the text, unchanged
     * @throws IllegalArgumentException if it is no block
     */
    public static String require(String text) {
        parse(text);
        return text;
    }

    /**
     * Parses blocks that were checked with {@link #require(String)}.
     *
     * @param texts the blocks
     * @return the parsed blocks, in order
     */
    public static List<CidrBlock> parseAll(Collection<String> texts) {
        List<CidrBlock> blocks = new ArrayList<>(texts.size());
        for (String text : texts) {
            blocks.add(parse(text));
        }
        return List.copyOf(blocks);
    }

    /**
     * Returns whether an address lies in this block.
     *
     * @param address the address
     * @return {@code true} if the first {@code prefixLength} bits agree
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = unmapped(address);
        if (bytes.length != network.length) {
            return false;
        }
        return Arrays.equals(masked(bytes, prefixLength), network);
    }

    /** The address's bytes, an IPv4-mapped IPv6 address as its IPv4 bytes. */
    private static byte[] unmapped(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address && bytes.length == 16 && isV4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isV4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static byte[] masked(byte[] bytes, int length) {
        byte[] result = bytes.clone();
        for (int i = 0; i < result.length; i++) {
            int keep = Math.max(0, Math.min(8, length - i * 8));
            result[i] &= (byte) (0xff << (8 - keep));
        }
        return result;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            return "?/" + prefixLength; // cannot happen: 4 or 16 bytes
        }
    }
}
