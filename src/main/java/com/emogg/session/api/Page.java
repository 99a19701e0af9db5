package com.emogg.session.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The Emogg list envelope. */
@JsonPropertyOrder({"hasMore", "offset", "limit", "data"})
public record Page<T>(boolean hasMore, int offset, int limit, List<T> data) {
}
