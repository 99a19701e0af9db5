package com.emogg.platform.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import com.emogg.platform.http.ApiException;

/**
 * A request made with an {@code Idempotency-Key}: whose, which key, what makes a retry "the same
 * request" (method, path and body), and how its outcome is recorded.
 */
public record IdempotentRequest<T>(String userId, String key, byte[] fingerprint, Responses<T> responses) {

    public static final String HEADER = "Idempotency-Key";

    /** @throws ApiException 400 when the key is not 1 to 255 visible ASCII characters */
    public static <T> IdempotentRequest<T> of(String userId, String key, String method, String path, String body, Responses<T> responses) {
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ApiException(400, HEADER + " must be 1 to 255 visible ASCII characters");
        }
        return new IdempotentRequest<>(userId, key, fingerprint(method, path, body), responses);
    }

    private static byte[] fingerprint(String method, String path, String body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {method, path, body == null ? "" : body}) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
