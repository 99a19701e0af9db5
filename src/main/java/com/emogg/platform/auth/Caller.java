package com.emogg.platform.auth;

/** Who is calling: the user a valid token belongs to, and that user's product. */
public record Caller(String tokenId, String userId, String productId) {
}
