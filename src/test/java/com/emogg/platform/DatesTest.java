package com.emogg.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class DatesTest {

    private static final Instant AT = Instant.parse("2024-04-01T10:30:00Z");

    @Test
    void readsEveryDocumentedFormat() {
        assertEquals(AT, Dates.parse("2024-04-01T10:30:00.000Z").orElseThrow());
        assertEquals(AT, Dates.parse("2024-04-01T10:30:00Z").orElseThrow());
        assertEquals(AT, Dates.parse("2024-04-01T12:30:00+02:00").orElseThrow());
        assertEquals(AT, Dates.parse("2024-04-01T05:30:00-05:00").orElseThrow());
        assertEquals(AT, Dates.parse("2024-04-01T10:30:00").orElseThrow(), "no zone means UTC");
        assertEquals(AT, Dates.parse("1711967400000").orElseThrow());
        assertEquals(Instant.parse("2024-04-01T00:00:00Z"), Dates.parse("2024-04-01").orElseThrow());
    }

    @Test
    void refusesWhatIsNotADate() {
        for (String bad : new String[] {"", " ", "now", "2024-02-30T00:00:00Z", "12:00", "-1", "1e12", "9999999999999999", "2024-04-01T10:30:00+19:00"}) {
            assertTrue(Dates.parse(bad).isEmpty(), bad);
        }
    }

    @Test
    void writesUtcWithMilliseconds() {
        assertEquals("2024-04-01T10:30:00.000Z", Dates.format(AT));
        assertEquals("2024-04-01T10:30:00.120Z", Dates.format(AT.plusMillis(120)));
    }
}
