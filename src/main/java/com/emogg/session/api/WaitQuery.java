package com.emogg.session.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.MultivaluedMap;

import com.emogg.contract.WireValue;
import com.emogg.contract.WorkerState;
import com.emogg.platform.http.Validation;

/**
 * {@code wait} and {@code timeout} of {@code GET /v1/sessions/:id} and of the stop: the worker
 * state to wait for, and for how long at most ({@code 10s}, {@code 1500ms}, {@code 1m},
 * {@code PT10S}; at most a minute; 10 s when omitted).
 */
record WaitQuery(WorkerState state, Duration timeout) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})(ms|s|m)?");

    /** The wait asked for, or null when the request does not ask to wait. */
    static WaitQuery parse(MultivaluedMap<String, String> query) {
        String wait = query.getFirst("wait");
        String timeout = query.getFirst("timeout");
        if (wait == null && timeout == null) {
            return null;
        }
        Validation validation = new Validation();
        WorkerState state = wait == null ? null : WireValue.parse(WorkerState.class, wait);
        if (state == null) {
            validation.reject("wait", "must be a worker state: pending, starting, working, stopping, stopped, failed or lost");
        }
        Duration duration = timeout == null ? DEFAULT_TIMEOUT : duration(timeout);
        if (duration == null || duration.isNegative() || duration.compareTo(MAX_TIMEOUT) > 0) {
            validation.reject("timeout", "must be a duration from 0 to 60 s, such as 10s, 1500ms or PT10S");
        }
        validation.throwIfInvalid();
        return new WaitQuery(state, duration);
    }

    private static Duration duration(String text) {
        Matcher match = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (match.matches()) {
            long amount = Long.parseLong(match.group(1));
            String unit = match.group(2) == null ? "s" : match.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
