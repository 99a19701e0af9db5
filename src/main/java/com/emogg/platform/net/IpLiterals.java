package com.emogg.platform.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * IP address literals as they appear in a URI's host, read without any name lookup. Resolvers do not
 * agree on IPv4 spellings: the BSD {@code inet_aton} rules (glibc, curl, browsers) read
 * {@code 0177.0.0.1} as octal 127.0.0.1 and accept hex ({@code 0x7f.1}) and short forms
 * ({@code 127.1}, {@code 2130706433}), while the JDK reads every part as decimal (177.0.0.1). A host
 * is judged by every reading, so no spelling slips through because one reader sees it otherwise.
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /**
     * The addresses {@code host} (a URI's host: IPv6 in brackets, optionally with a zone) may
     * denote as a literal, by every reading; empty when it is a name.
     */
    public static List<InetAddress> readings(String host) {
        List<InetAddress> readings = new ArrayList<>();
        if (host == null || host.isEmpty()) {
            return readings;
        }
        if (host.startsWith("[") || host.contains(":")) {
            String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            int zone = literal.indexOf('%');
            try {
                // in brackets, the JDK parses a literal and never looks a name up
                readings.add(InetAddress.getByName("[" + (zone < 0 ? literal : literal.substring(0, zone)) + "]"));
            } catch (UnknownHostException e) {
                // not an address: java.net.URI refuses such a host before it comes here
            }
            return readings;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return readings;
        }
        add(readings, ipv4(parts, true));
        add(readings, ipv4(parts, false));
        return readings;
    }

    /** Four decimal numbers 0 to 255 without leading zeros, or null: the one IPv4 form that reads the same everywhere. */
    static byte[] dottedQuad(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        for (String part : parts) {
            if (!part.matches("0|[1-9][0-9]{0,2}")) {
                return null;
            }
        }
        return ipv4(parts, false);
    }

    private static void add(List<InetAddress> readings, byte[] address) {
        if (address == null) {
            return;
        }
        try {
            InetAddress reading = InetAddress.getByAddress(address);
            if (!readings.contains(reading)) {
                readings.add(reading);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /**
     * One to four parts, {@code inet_aton}'s way: the last part fills the bits the others leave
     * ({@code a.b} is a, then b in 24 bits). Null when a part is not a number of that reading or does
     * not fit.
     */
    private static byte[] ipv4(String[] parts, boolean bsd) {
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = bsd ? bsdNumber(parts[i]) : decimal(parts[i]);
            if (values[i] < 0) {
                return null;
            }
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xff) {
                return null;
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[parts.length - 1];
        if (last >= 1L << (32 - 8 * (parts.length - 1))) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static long decimal(String part) {
        return part.matches("[0-9]{1,64}") ? bounded(part, 10) : -1;
    }

    /** {@code 0x1f} hex, {@code 017} octal, else decimal; -1 when none. */
    private static long bsdNumber(String part) {
        if (part.matches("0[xX][0-9a-fA-F]{0,64}")) {
            return part.length() == 2 ? 0 : bounded(part.substring(2), 16);
        }
        if (part.matches("0[0-7]{1,64}")) {
            return bounded(part, 8);
        }
        return part.matches("[1-9][0-9]{0,63}|0") ? bounded(part, 10) : -1;
    }

    /** The number, capped just above 32 bits (leading zeros may make the text long, never the value). */
    private static long bounded(String digits, int radix) {
        BigInteger value = new BigInteger(digits, radix);
        return value.bitLength() > 33 ? 1L << 33 : value.longValueExact();
    }
}
