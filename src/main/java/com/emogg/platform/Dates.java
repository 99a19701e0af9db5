package com.emogg.platform;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The date formats of the Emogg API. Responses: ISO-8601 UTC with milliseconds. Requests: ISO-8601
 * UTC, ISO-8601 with an offset, ISO-8601 without a zone (read as UTC), a plain date (midnight UTC)
 * or Unix milliseconds.
 */
public final class Dates {

    private static final DateTimeFormatter OUTPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Beyond these, dates are client mistakes, and PostgreSQL could not store them anyway. */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private Dates() {
    }

    public static String format(Instant instant) {
        return instant == null ? null : OUTPUT.format(instant);
    }

    /** Truncated to milliseconds, the precision the API shows, so stored and shown values agree. */
    public static Instant now(java.time.Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String value = text.trim();
        try {
            Instant instant;
            if (value.chars().allMatch(Character::isDigit)) {
                if (value.length() > 15) {
                    return Optional.empty();
                }
                instant = Instant.ofEpochMilli(Long.parseLong(value));
            } else if (value.length() == 10) {
                instant = LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (hasZone(value)) {
                instant = OffsetDateTime.parse(value).toInstant();
            } else {
                instant = LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            }
            return instant.isBefore(EARLIEST) || instant.isAfter(LATEST) ? Optional.empty() : Optional.of(instant);
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean hasZone(String value) {
        int time = value.indexOf('T');
        if (time < 0) {
            return false;
        }
        String clock = value.substring(time);
        return clock.endsWith("Z") || clock.endsWith("z") || clock.indexOf('+') > 0 || clock.indexOf('-') > 0;
    }
}
