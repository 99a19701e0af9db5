package com.emogg.platform.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Token material: how tokens look, and the only form in which they are stored. */
public final class Tokens {

    /** A recognisable prefix lets secret scanners find leaked tokens. */
    public static final String PREFIX = "emg_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    public static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Compares in constant time, so response timing says nothing about how much of a guess matched. */
    public static boolean matches(String candidate, String expected) {
        return MessageDigest.isEqual(hash(candidate), hash(expected));
    }
}
