package com.emogg.session.api;

import java.time.Instant;

import jakarta.ws.rs.core.MultivaluedMap;

import com.emogg.contract.WireValue;
import com.emogg.platform.Dates;
import com.emogg.platform.http.Validation;
import com.emogg.session.SessionFilter;
import com.emogg.session.SessionState;
import com.emogg.session.SessionType;

/** The query of {@code GET /v1/sessions}, read from its raw strings so every bad value is a 400. */
record ListQuery(SessionFilter filter, int offset, int limit) {

    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;

    static ListQuery parse(MultivaluedMap<String, String> query) {
        return parse(value(query, "state"), value(query, "type"), value(query, "from"), value(query, "to"),
                value(query, "limit"), value(query, "offset"));
    }

    /** Present but empty ({@code ?limit=}) is a bad value, not an absent one. */
    private static String value(MultivaluedMap<String, String> query, String name) {
        if (!query.containsKey(name)) {
            return null;
        }
        String value = query.getFirst(name);
        return value == null ? "" : value;
    }

    static ListQuery parse(String state, String type, String from, String to, String limit, String offset) {
        Validation validation = new Validation();
        SessionState parsedState = state == null ? null : WireValue.parse(SessionState.class, state);
        if (state != null && parsedState == null) {
            validation.reject("state", "must be one of active, finished");
        }
        SessionType parsedType = type == null ? null : WireValue.parse(SessionType.class, type);
        if (type != null && parsedType == null) {
            validation.reject("type", "must be live_analysis");
        }
        Instant parsedFrom = date("from", from, validation);
        Instant parsedTo = date("to", to, validation);
        if (parsedFrom != null && parsedTo != null && parsedFrom.isAfter(parsedTo)) {
            validation.reject("to", "must not be before from");
        }
        int parsedLimit = number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT, validation);
        int parsedOffset = number("offset", offset, 0, 0, Integer.MAX_VALUE - MAX_LIMIT - 1, validation);
        validation.throwIfInvalid();
        return new ListQuery(new SessionFilter(parsedState, parsedType, parsedFrom, parsedTo), parsedOffset, parsedLimit);
    }

    private static Instant date(String field, String value, Validation validation) {
        if (value == null) {
            return null;
        }
        return Dates.parse(value).orElseGet(() -> {
            validation.reject(field, "must be an ISO-8601 date (UTC or with an offset) or Unix milliseconds");
            return null;
        });
    }

    private static int number(String field, String value, int fallback, int min, int max, Validation validation) {
        if (value == null) {
            return fallback;
        }
        String range = "must be a whole number from " + min + " to " + max;
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < min || parsed > max) {
                validation.reject(field, range);
                return fallback;
            }
            return (int) parsed;
        } catch (NumberFormatException e) {
            validation.reject(field, range);
            return fallback;
        }
    }
}
