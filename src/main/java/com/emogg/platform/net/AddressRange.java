package com.emogg.platform.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The range of IANA's special-purpose address registries (IPv4 and IPv6) an address falls in, or
 * {@link #PUBLIC}: an address on the internet, where a user's camera may be. Every other range is
 * the machine itself, the networks around it, or nothing a stream lives on.
 *
 * <p>An IPv6 address that carries an IPv4 address is judged by the IPv4 address, since that is
 * where a connection to it ends: IPv4-mapped ({@code ::ffff:0:0/96}, which the socket dials as
 * plain IPv4), the NAT64 well-known prefix ({@code 64:ff9b::/96}, which a NAT64 gateway translates)
 * and 6to4 ({@code 2002::/16}, which a 6to4 relay or a local tunnel delivers). The deprecated
 * IPv4-compatible and IPv4-translated forms ({@code ::a.b.c.d}, {@code ::ffff:0:a.b.c.d}) take the
 * range of their IPv4 address when it is not public, and are {@link #RESERVED} otherwise: no camera
 * is reached that way. Teredo ({@code 2001::/32}) lies in {@link #PROTOCOL_ASSIGNMENTS}.
 */
public enum AddressRange {

    PUBLIC,
    /** {@code 0.0.0.0/8} and {@code ::}: dialling 0.0.0.0 reaches the machine itself on Linux. */
    UNSPECIFIED,
    /** {@code 127.0.0.0/8}, {@code ::1}. */
    LOOPBACK,
    /** RFC 1918: {@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code 192.168.0.0/16}. */
    PRIVATE,
    /** Carrier-grade NAT, RFC 6598: {@code 100.64.0.0/10} (also what some clusters use for pods). */
    SHARED,
    /** {@code 169.254.0.0/16} (the cloud metadata service 169.254.169.254 among them), {@code fe80::/10}. */
    LINK_LOCAL,
    /** {@code fc00::/7}. */
    UNIQUE_LOCAL,
    /** {@code fec0::/10}, deprecated but still routed by some networks. */
    SITE_LOCAL,
    /** {@code 224.0.0.0/4}, {@code ff00::/8}. */
    MULTICAST,
    /** {@code 255.255.255.255}. */
    BROADCAST,
    /** {@code 192.0.0.0/24} and {@code 2001::/23} (Teredo, ORCHID, AMT, ...): protocol plumbing. */
    PROTOCOL_ASSIGNMENTS,
    /** {@code 192.0.2.0/24}, {@code 198.51.100.0/24}, {@code 203.0.113.0/24}, {@code 2001:db8::/32}, {@code 3fff::/20}. */
    DOCUMENTATION,
    /** {@code 198.18.0.0/15}, {@code 2001:2::/48}: network test beds, often inside data centres. */
    BENCHMARKING,
    /** {@code 100::/64}. */
    DISCARD,
    /** The local-use NAT64 prefix {@code 64:ff9b:1::/48}: a network's own translator, to anything it likes. */
    LOCAL_TRANSLATION,
    /**
     * {@code 240.0.0.0/4}, the deprecated 6to4 relay anycast {@code 192.88.99.0/24}, and IPv6 outside
     * global unicast {@code 2000::/3} that no range above names.
     */
    RESERVED;

    /** The range {@code address} falls in. */
    public static AddressRange of(InetAddress address) {
        byte[] bytes = address.getAddress();
        return address instanceof Inet4Address ? ofIpv4(bytes, 0) : ofIpv6(bytes);
    }

    private static AddressRange ofIpv4(byte[] bytes, int from) {
        int a = bytes[from] & 0xff;
        int b = bytes[from + 1] & 0xff;
        int c = bytes[from + 2] & 0xff;
        int d = bytes[from + 3] & 0xff;
        if (a == 0) {
            return UNSPECIFIED;
        }
        if (a == 127) {
            return LOOPBACK;
        }
        if (a == 10 || a == 172 && (b & 0xf0) == 16 || a == 192 && b == 168) {
            return PRIVATE;
        }
        if (a == 100 && (b & 0xc0) == 64) {
            return SHARED;
        }
        if (a == 169 && b == 254) {
            return LINK_LOCAL;
        }
        if (a == 192 && b == 0 && c == 0) {
            return PROTOCOL_ASSIGNMENTS;
        }
        if (a == 192 && b == 0 && c == 2 || a == 198 && b == 51 && c == 100 || a == 203 && b == 0 && c == 113) {
            return DOCUMENTATION;
        }
        if (a == 198 && (b & 0xfe) == 18) {
            return BENCHMARKING;
        }
        if (a == 192 && b == 88 && c == 99) {
            return RESERVED;
        }
        if (a >= 224 && a <= 239) {
            return MULTICAST;
        }
        if (a == 255 && b == 255 && c == 255 && d == 255) {
            return BROADCAST;
        }
        return a >= 240 ? RESERVED : PUBLIC;
    }

    private static AddressRange ofIpv6(byte[] bytes) {
        if (zeros(bytes, 0, 10)) {
            int word5 = word(bytes, 5);
            if (word5 == 0xffff) {
                return ofIpv4(bytes, 12);                       // ::ffff:a.b.c.d, mapped
            }
            if (word5 == 0 && zeros(bytes, 12, 15)) {
                return bytes[15] == 0 ? UNSPECIFIED : bytes[15] == 1 ? LOOPBACK : RESERVED;
            }
            if (word5 == 0) {
                return notPublicOr(ofIpv4(bytes, 12), RESERVED); // ::a.b.c.d, IPv4-compatible
            }
            return RESERVED;
        }
        if (zeros(bytes, 0, 8) && word(bytes, 4) == 0xffff && word(bytes, 5) == 0) {
            return notPublicOr(ofIpv4(bytes, 12), RESERVED);     // ::ffff:0:a.b.c.d, IPv4-translated
        }
        int first = word(bytes, 0);
        if (first == 0x0064 && word(bytes, 1) == 0xff9b) {
            if (zeros(bytes, 4, 12)) {
                return ofIpv4(bytes, 12);                       // 64:ff9b::a.b.c.d, NAT64
            }
            return word(bytes, 2) == 0x0001 ? LOCAL_TRANSLATION : RESERVED;
        }
        if (first == 0x2002) {
            return ofIpv4(bytes, 2);                            // 6to4
        }
        if (first == 0x0100 && zeros(bytes, 2, 8)) {
            return DISCARD;
        }
        if (first == 0x2001 && word(bytes, 1) == 0x0db8 || first == 0x3fff && (bytes[2] & 0xf0) == 0) {
            return DOCUMENTATION;
        }
        if (first == 0x2001 && word(bytes, 1) == 0x0002 && word(bytes, 2) == 0) {
            return BENCHMARKING;
        }
        if (first == 0x2001 && (bytes[2] & 0xfe) == 0) {
            return PROTOCOL_ASSIGNMENTS;
        }
        if ((first & 0xfe00) == 0xfc00) {
            return UNIQUE_LOCAL;
        }
        if ((first & 0xffc0) == 0xfe80) {
            return LINK_LOCAL;
        }
        if ((first & 0xffc0) == 0xfec0) {
            return SITE_LOCAL;
        }
        if ((first & 0xff00) == 0xff00) {
            return MULTICAST;
        }
        return (first & 0xe000) == 0x2000 ? PUBLIC : RESERVED;
    }

    private static AddressRange notPublicOr(AddressRange range, AddressRange otherwise) {
        return range == PUBLIC ? otherwise : range;
    }

    /** The 16-bit group {@code index} (0 to 7) of an IPv6 address. */
    private static int word(byte[] bytes, int index) {
        return (bytes[2 * index] & 0xff) << 8 | bytes[2 * index + 1] & 0xff;
    }

    private static boolean zeros(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
