package com.emogg.platform.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The rule the api and the workers share: literals in every spelling, the operators' networks. */
class StreamAddressesTest {

    private static final StreamAddresses DEFAULT = StreamAddresses.allowing(Optional.empty());

    /** Every spelling of an internal address a resolver somewhere reads as one. */
    static final List<String> INTERNAL_LITERALS = List.of(
            "127.0.0.1", "127.0.0.2", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.1", "0x7F.0.0.1", "0177.0.0.1",
            "0177.0000.0000.0001", "017700000001", "0000127.0.0.1", "127.000.000.001",
            "0", "0.0.0.0", "0x0", "00", "10.0.0.1", "012.0.0.1", "0xa.0.0.1", "167772161", "0xa000001", "10.1",
            "172.16.0.1", "172.31.255.255", "192.168.1.1", "0xc0.0xa8.1.1", "3232235777",
            "169.254.169.254", "0xa9.0xfe.0xa9.0xfe", "0251.0376.0251.0376", "2852039166", "0xa9fea9fe", "169.16689662",
            "100.64.0.1", "100.127.255.254", "224.0.0.1", "239.255.255.250", "255.255.255.255", "4294967295", "0xffffffff",
            "240.0.0.1", "192.0.0.8", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1", "198.19.255.255", "192.88.99.1",
            "[::1]", "[0:0:0:0:0:0:0:1]", "[::]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.2]",
            "[::ffff:10.0.0.1]", "[::ffff:a9fe:a9fe]", "[::127.0.0.1]", "[::ffff:0:127.0.0.1]", "[64:ff9b::127.0.0.1]",
            "[64:ff9b::a9fe:a9fe]", "[64:ff9b:1::1]", "[2002:7f00:1::]", "[2002:a9fe:a9fe::1]", "[fe80::1]", "[fe80::1%25eth0]",
            "[fe80::1%eth0]", "[fd00::1]", "[fc00::]", "[fec0::1]", "[ff02::1]", "[100::1]", "[2001:db8::1]", "[2001::1]",
            "[3fff::1]");

    @Test
    void everySpellingOfAnInternalAddressIsRefused() {
        List<String> passed = new ArrayList<>();
        for (String host : INTERNAL_LITERALS) {
            if (!DEFAULT.refusesLiteral(host)) {
                passed.add(host);
            }
        }
        assertEquals(List.of(), passed);
    }

    @Test
    void publicLiteralsAndNamesPass() {
        for (String host : List.of("8.8.8.8", "93.184.216.34", "1.1", "134744072", "0x8.0x8.0x8.0x8", "[2606:4700:4700::1111]",
                "[::ffff:8.8.8.8]", "[64:ff9b::8.8.8.8]", "[2002:808:808::]", "camera.example", "localhost", "10.example",
                "0x7f.example", "cam-10-0-0-1.example.net", "127.0.0.1.nip.io")) {
            assertFalse(DEFAULT.refusesLiteral(host), host);
        }
    }

    /** The JDK reads 0177.0.0.1 as 177.0.0.1, inet_aton as 127.0.0.1: both readings count. */
    @Test
    void anAmbiguousLiteralHasEveryReading() throws UnknownHostException {
        assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("177.0.0.1")), IpLiterals.readings("0177.0.0.1"));
        assertEquals(List.of(InetAddress.getByName("10.0.0.1")), IpLiterals.readings("167772161"));
        assertEquals(List.of(InetAddress.getByName("127.0.0.1")), IpLiterals.readings("0x7f.1"));
        assertEquals(List.of(), IpLiterals.readings("camera.example"));
        assertEquals(List.of(), IpLiterals.readings("1.2.3.4.5"));
        assertEquals(List.of(), IpLiterals.readings("256.0.0.1"));
        assertEquals(List.of(), IpLiterals.readings("1.2.3.256"));
        assertEquals(List.of(), IpLiterals.readings("4294967296"));
        assertEquals(List.of(InetAddress.getByName("1.0.0.1")), IpLiterals.readings("1.1"));
        assertEquals(List.of(), IpLiterals.readings("1..1"));
        assertEquals(List.of(), IpLiterals.readings("127.0.0.1."));
    }

    @Test
    void networksParseStrictly() {
        assertEquals("10.20.0.0/16", IpNetwork.of("10.20.0.0/16").toString());
        assertEquals("10.1.2.3/32", IpNetwork.of(" 10.1.2.3 ").toString());
        assertEquals("0.0.0.0/0", IpNetwork.of("0.0.0.0/0").toString());
        assertEquals("fd00:1:0:0:0:0:0:0/64", IpNetwork.of("fd00:1::/64").toString());
        assertEquals("0:0:0:0:0:0:0:1/128", IpNetwork.of("::1").toString());
        assertEquals(IpNetwork.of("10.0.0.0/8"), IpNetwork.of("::ffff:10.0.0.0/104"), "a mapped IPv6 network is its IPv4 network");
        for (String bad : List.of("", "10.0.0.0/33", "10.1.2.3/8", "10.0.0/24", "010.0.0.0/8", "0xa.0.0.0/8", "10.0.0.0/-1",
                "10.0.0.0/", "10.0.0.0/8/8", "fd00::1/64", "fd00::/129", "[fd00::]/64", "fe80::%eth0/64", "camera.example",
                "localhost/32", "10.0.0.0 /8")) {
            assertThrows(IllegalArgumentException.class, () -> IpNetwork.of(bad), bad);
        }
    }

    @Test
    void theOperatorsNetworksOpenExactlyThemselves() throws UnknownHostException {
        StreamAddresses cameras = new StreamAddresses(List.of(IpNetwork.of("10.20.0.0/16"), IpNetwork.of("fd00:1::/64"),
                IpNetwork.of("127.0.0.1")));
        assertTrue(cameras.permits(InetAddress.getByName("10.20.0.0")));
        assertTrue(cameras.permits(InetAddress.getByName("10.20.255.255")));
        assertFalse(cameras.permits(InetAddress.getByName("10.19.255.255")));
        assertFalse(cameras.permits(InetAddress.getByName("10.21.0.0")));
        assertTrue(cameras.permits(mapped(10, 20, 1, 2)), "a mapped address is the IPv4 address the socket dials");
        assertFalse(cameras.permits(InetAddress.getByName("[::10.20.1.2]")), "an IPv4-compatible one is not");
        assertTrue(cameras.permits(InetAddress.getByName("[fd00:1::ffff]")));
        assertFalse(cameras.permits(InetAddress.getByName("[fd00:2::1]")));
        assertTrue(cameras.permits(InetAddress.getByName("127.0.0.1")));
        assertFalse(cameras.permits(InetAddress.getByName("127.0.0.2")));
        assertFalse(cameras.permits(InetAddress.getByName("169.254.169.254")));
        assertTrue(cameras.permits(InetAddress.getByName("8.8.8.8")), "the internet stays open");
        assertFalse(cameras.refusesLiteral("10.20.3.4"));
        assertFalse(cameras.refusesLiteral("0xa.0x14.3.4"));
        assertFalse(cameras.refusesLiteral("[::ffff:10.20.3.4]"));
        assertTrue(cameras.refusesLiteral("10.21.3.4"));
        assertTrue(cameras.refusesLiteral("127.1.0.1"));

        StreamAddresses everything = new StreamAddresses(List.of(IpNetwork.of("0.0.0.0/0"), IpNetwork.of("::/0")));
        for (String host : INTERNAL_LITERALS) {
            assertFalse(everything.refusesLiteral(host), "0.0.0.0/0 and ::/0 turn the rule off: " + host);
        }
    }

    private static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
        return Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) a, (byte) b,
                (byte) c, (byte) d}, null);
    }
}
