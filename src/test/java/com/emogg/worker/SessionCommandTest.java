package com.emogg.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** How a worker reads a record of session-commands: a tombstone is a command, never an unreadable record. */
class SessionCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = "65ea1530bb50af72b6e3dc1e";

    @Test
    void aTombstoneSettlesItsKeysSessionWithOrWithoutHeaders() {
        SessionCommand published = SessionCommand.read(Map.of("ce_type", "SessionSettled", "ce_id", "e1"), SESSION, null, JSON);
        assertEquals(SessionCommand.Kind.SETTLED, published.kind());
        assertEquals(SESSION, published.sessionId());
        assertEquals("e1", published.eventId(), "deduped like any command");

        SessionCommand bare = SessionCommand.read(Map.of(), SESSION, null, JSON);
        assertEquals(SessionCommand.Kind.SETTLED, bare.kind(), "a tombstone written by hand (an operator) means the same");
        assertNull(bare.eventId());
        assertEquals(SessionCommand.Kind.SETTLED, SessionCommand.read(Map.of("ce_type", "SessionStartRequested", "ce_id", "e2"), SESSION,
                null, JSON).kind(), "whatever the headers say, no value is a tombstone");
    }

    @Test
    void aRecordWithNeitherKeyNorValueIsUnreadable() {
        assertThrows(IllegalArgumentException.class, () -> SessionCommand.read(Map.of("ce_type", "SessionSettled", "ce_id", "e3"), null,
                null, JSON));
    }

    @Test
    void startsAndStopsReadAsBefore() {
        String start = "{\"schemaVersion\":1,\"sessionId\":\"" + SESSION + "\",\"streamUri\":\"rtsp://cam.test/x\",\"removeMedia\":true,"
                + "\"expires\":\"2030-01-01T00:00:00.000Z\",\"requestedAt\":\"2029-12-31T00:00:00.000Z\"}";
        SessionCommand command = SessionCommand.read(Map.of("ce_type", "SessionStartRequested", "ce_id", "e4"), SESSION, start, JSON);
        assertEquals(SessionCommand.Kind.START, command.kind());
        assertEquals("start " + SESSION + " (e4)", command.toString(), "never the stream URI");
        String stop = "{\"schemaVersion\":1,\"sessionId\":\"" + SESSION + "\",\"removeMedia\":true}";
        assertEquals(SessionCommand.Kind.STOP, SessionCommand.read(Map.of("ce_type", "SessionStopRequested", "ce_id", "e5"), SESSION, stop,
                JSON).kind());
        assertNull(SessionCommand.read(Map.of("ce_type", "SessionPaused", "ce_id", "e6"), SESSION, stop, JSON), "unknown: skipped");
    }
}
