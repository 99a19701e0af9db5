package com.emogg.platform;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Ids in the layout of a MongoDB ObjectId, as Emogg's clients know them: 24 lowercase hex
 * characters made of 4 bytes of creation seconds, 5 random bytes per process and a 3-byte counter.
 * They sort by creation time, which keeps the primary-key index append-mostly.
 */
public final class ObjectIds {

    /** What an id looks like. */
    public static final String PATTERN = "[0-9a-f]{24}";
    private static final Pattern FORMAT = Pattern.compile(PATTERN);
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PROCESS = new byte[5];
    private static final AtomicInteger COUNTER;

    static {
        RANDOM.nextBytes(PROCESS);
        COUNTER = new AtomicInteger(RANDOM.nextInt(0x1000000));
    }

    private ObjectIds() {
    }

    public static String next(Instant at) {
        byte[] id = new byte[12];
        int seconds = (int) at.getEpochSecond();
        id[0] = (byte) (seconds >>> 24);
        id[1] = (byte) (seconds >>> 16);
        id[2] = (byte) (seconds >>> 8);
        id[3] = (byte) seconds;
        System.arraycopy(PROCESS, 0, id, 4, 5);
        int count = COUNTER.getAndIncrement() & 0xffffff;
        id[9] = (byte) (count >>> 16);
        id[10] = (byte) (count >>> 8);
        id[11] = (byte) count;
        return HEX.formatHex(id);
    }

    public static String next() {
        return next(Instant.now());
    }

    public static boolean isValid(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches();
    }
}
