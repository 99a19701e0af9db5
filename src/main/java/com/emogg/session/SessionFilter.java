package com.emogg.session;

import java.time.Instant;

/** The optional filters of the list: all nulls mean "every session of the user". */
public record SessionFilter(SessionState state, SessionType type, Instant from, Instant to) {
}
