package com.emogg.auth;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** An API token, stored only as its SHA-256; bound to one user and that user's product. */
@Entity
@Table(name = "api_tokens")
public class ApiToken extends PanacheEntityBase {

    @Id
    public String id;

    public byte[] tokenHash;

    public String userId;

    public String productId;

    public Instant createdAt;

    public Instant revokedAt;
}
