package com.emogg.platform.net;

import static com.emogg.platform.net.AddressRange.BENCHMARKING;
import static com.emogg.platform.net.AddressRange.BROADCAST;
import static com.emogg.platform.net.AddressRange.DISCARD;
import static com.emogg.platform.net.AddressRange.DOCUMENTATION;
import static com.emogg.platform.net.AddressRange.LINK_LOCAL;
import static com.emogg.platform.net.AddressRange.LOCAL_TRANSLATION;
import static com.emogg.platform.net.AddressRange.LOOPBACK;
import static com.emogg.platform.net.AddressRange.MULTICAST;
import static com.emogg.platform.net.AddressRange.PRIVATE;
import static com.emogg.platform.net.AddressRange.PROTOCOL_ASSIGNMENTS;
import static com.emogg.platform.net.AddressRange.PUBLIC;
import static com.emogg.platform.net.AddressRange.RESERVED;
import static com.emogg.platform.net.AddressRange.SHARED;
import static com.emogg.platform.net.AddressRange.SITE_LOCAL;
import static com.emogg.platform.net.AddressRange.UNIQUE_LOCAL;
import static com.emogg.platform.net.AddressRange.UNSPECIFIED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Every range at its first and last address, and the addresses just outside it, which are public:
 * an off-by-one in a mask shows on one side or the other.
 */
class AddressRangeTest {

    @Test
    void ipv4RangesFromEdgeToEdge() {
        List<String> wrong = new ArrayList<>();
        check(wrong, UNSPECIFIED, "0.0.0.0", "0.255.255.255");
        check(wrong, PUBLIC, "1.0.0.0", "9.255.255.255", "11.0.0.0", "126.255.255.255", "128.0.0.0");
        check(wrong, PRIVATE, "10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255", "192.168.0.0", "192.168.255.255");
        check(wrong, PUBLIC, "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0");
        check(wrong, LOOPBACK, "127.0.0.0", "127.0.0.1", "127.0.0.2", "127.255.255.255");
        check(wrong, SHARED, "100.64.0.0", "100.127.255.255");
        check(wrong, PUBLIC, "100.63.255.255", "100.128.0.0");
        check(wrong, LINK_LOCAL, "169.254.0.0", "169.254.169.254", "169.254.255.255");
        check(wrong, PUBLIC, "169.253.255.255", "169.255.0.0");
        check(wrong, PROTOCOL_ASSIGNMENTS, "192.0.0.0", "192.0.0.8", "192.0.0.255");
        check(wrong, PUBLIC, "191.255.255.255", "192.0.1.0");
        check(wrong, DOCUMENTATION, "192.0.2.0", "192.0.2.255", "198.51.100.0", "198.51.100.255", "203.0.113.0", "203.0.113.255");
        check(wrong, PUBLIC, "192.0.3.0", "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0");
        check(wrong, BENCHMARKING, "198.18.0.0", "198.19.255.255");
        check(wrong, PUBLIC, "198.17.255.255", "198.20.0.0");
        check(wrong, RESERVED, "192.88.99.0", "192.88.99.255", "240.0.0.0", "255.255.255.254");
        check(wrong, PUBLIC, "192.88.98.255", "192.88.100.0");
        check(wrong, MULTICAST, "224.0.0.0", "224.0.0.251", "239.255.255.255");
        check(wrong, PUBLIC, "223.255.255.255", "8.8.8.8", "1.1.1.1", "93.184.216.34");
        check(wrong, BROADCAST, "255.255.255.255");
        assertEquals(List.of(), wrong);
    }

    @Test
    void ipv6RangesFromEdgeToEdge() {
        List<String> wrong = new ArrayList<>();
        check(wrong, UNSPECIFIED, "::");
        check(wrong, LOOPBACK, "::1");
        check(wrong, RESERVED, "::2", "::ff", "::1:0:0", "0:0:0:0:1::", "ff::", "1::", "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "4000::", "5f00::1", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        check(wrong, UNIQUE_LOCAL, "fc00::", "fd00::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        check(wrong, LINK_LOCAL, "fe80::", "fe80::1", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        check(wrong, SITE_LOCAL, "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        check(wrong, MULTICAST, "ff00::", "ff02::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        check(wrong, DISCARD, "100::", "100::ffff:ffff:ffff:ffff");
        check(wrong, RESERVED, "100:0:0:1::");
        check(wrong, DOCUMENTATION, "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff");
        check(wrong, PUBLIC, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::", "3fff:1000::", "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        check(wrong, BENCHMARKING, "2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff");
        check(wrong, PROTOCOL_ASSIGNMENTS, "2001::", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:2:1::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff");
        check(wrong, PUBLIC, "2000::", "2001:200::", "2001:4860:4860::8888", "2606:4700:4700::1111", "3ffe::", "2a00:1450::1");
        check(wrong, LOCAL_TRANSLATION, "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff");
        check(wrong, RESERVED, "64:ff9b:2::", "64:ff9b:0:0:1::1");
        assertEquals(List.of(), wrong);
    }

    /** Java's parser turns ::ffff:a.b.c.d into an Inet4Address; an Inet6Address built from the bytes stays IPv6. Both count. */
    @Test
    void ipv4MappedAddressesAreTheirIpv4Address() throws UnknownHostException {
        assertEquals(LOOPBACK, AddressRange.of(InetAddress.getByName("[::ffff:127.0.0.1]")));
        assertEquals(LOOPBACK, AddressRange.of(mapped(127, 0, 0, 1)));
        assertEquals(PRIVATE, AddressRange.of(mapped(10, 1, 2, 3)));
        assertEquals(LINK_LOCAL, AddressRange.of(mapped(169, 254, 169, 254)));
        assertEquals(UNSPECIFIED, AddressRange.of(mapped(0, 0, 0, 0)));
        assertEquals(SHARED, AddressRange.of(mapped(100, 64, 0, 1)));
        assertEquals(BROADCAST, AddressRange.of(mapped(255, 255, 255, 255)));
        assertEquals(PUBLIC, AddressRange.of(mapped(8, 8, 8, 8)));
    }

    @Test
    void ipv6FormsThatCarryAnIpv4AddressAreJudgedByIt() {
        List<String> wrong = new ArrayList<>();
        // IPv4-compatible (deprecated): the IPv4 range when not public, reserved otherwise
        check(wrong, LOOPBACK, "::127.0.0.1", "::7f00:2");
        check(wrong, PRIVATE, "::10.0.0.1", "::192.168.1.1");
        check(wrong, LINK_LOCAL, "::169.254.169.254");
        check(wrong, RESERVED, "::8.8.8.8");
        // IPv4-translated (SIIT, ::ffff:0:a.b.c.d): the same
        check(wrong, LOOPBACK, "::ffff:0:127.0.0.1");
        check(wrong, PRIVATE, "::ffff:0:10.0.0.1");
        check(wrong, RESERVED, "::ffff:0:8.8.8.8");
        // NAT64 well-known prefix: where the translator sends it
        check(wrong, LOOPBACK, "64:ff9b::127.0.0.1", "64:ff9b::7f00:1");
        check(wrong, PRIVATE, "64:ff9b::10.0.0.1", "64:ff9b::c0a8:101");
        check(wrong, LINK_LOCAL, "64:ff9b::169.254.169.254");
        check(wrong, UNSPECIFIED, "64:ff9b::");
        check(wrong, PUBLIC, "64:ff9b::8.8.8.8", "64:ff9b::5db8:d822");
        // 6to4: the IPv4 address after 2002:
        check(wrong, LOOPBACK, "2002:7f00:1::", "2002:7f00:1:ffff::1");
        check(wrong, PRIVATE, "2002:a00:1::", "2002:c0a8:101::1");
        check(wrong, LINK_LOCAL, "2002:a9fe:a9fe::");
        check(wrong, SHARED, "2002:6440:1::");
        check(wrong, PUBLIC, "2002:808:808::1");
        assertEquals(List.of(), wrong);
    }

    private static void check(List<String> wrong, AddressRange expected, String... addresses) {
        for (String address : addresses) {
            AddressRange range = AddressRange.of(literal(address));
            if (range != expected) {
                wrong.add(address + " is " + range + ", not " + expected);
            }
        }
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address.contains(":") ? "[" + address + "]" : address);
        } catch (UnknownHostException e) {
            throw new AssertionError(address, e);
        }
    }

    private static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        InetAddress address = Inet6Address.getByAddress(null, bytes, null);
        assertInstanceOf(Inet6Address.class, address);
        return address;
    }
}
