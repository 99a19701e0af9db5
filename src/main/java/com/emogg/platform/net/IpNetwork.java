package com.emogg.platform.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.20.0.0/16}, {@code fd00:1::/64}); a bare
 * address is a network of one. Parsed without any name lookup, and strictly: an IPv4 address is
 * four decimal numbers without leading zeros, and host bits after the prefix are refused
 * ({@code 10.1.2.3/8} is a typo, not {@code 10.0.0.0/8}). An IPv4-mapped IPv6 network
 * ({@code ::ffff:10.0.0.0/104}) is the IPv4 network it maps.
 *
 * <p>{@link #of(String)} makes it a configuration type (MicroProfile Config's implicit converter).
 */
public record IpNetwork(byte[] network, int prefix) {

    public IpNetwork {
        network = network.clone();
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    public static IpNetwork of(String text) {
        String value = text.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        byte[] bytes = address.contains(":") ? ipv6(address) : IpLiterals.dottedQuad(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP network (a.b.c.d/n or an IPv6 prefix): " + text);
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = value.substring(slash + 1);
            if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("the prefix length of " + text + " must be 0 to " + bits);
            }
            prefix = Integer.parseInt(length);
        }
        if (bytes.length == 16 && prefix >= 96 && isMapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
            prefix -= 96;
        }
        if (!Arrays.equals(bytes, masked(bytes, prefix))) {
            throw new IllegalArgumentException("host bits set after the prefix in " + text);
        }
        return new IpNetwork(bytes, prefix);
    }

    /**
     * Whether the network holds {@code address}; an IPv4-mapped IPv6 address is the IPv4 address it
     * maps (that is where the socket connects). IPv4 networks never hold other IPv6 addresses.
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && isMapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes.length == network.length && Arrays.equals(masked(bytes, prefix), network);
    }

    @Override
    public String toString() {
        try {
            String address = InetAddress.getByAddress(network).getHostAddress();
            return address + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpNetwork that && prefix == that.prefix && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    private static byte[] ipv6(String address) {
        if (address.contains("%") || address.contains("[") || address.contains("]")) {
            return null;
        }
        try {
            // brackets make the JDK parse a literal and never look a name up
            InetAddress parsed = InetAddress.getByName("[" + address + "]");
            byte[] bytes = parsed.getAddress();
            if (parsed instanceof Inet4Address) {
                // the JDK turns ::ffff:a.b.c.d into the IPv4 address: keep the IPv6 form, the prefix counts its 128 bits
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static boolean isMapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static byte[] masked(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int bit = prefix; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }
}
