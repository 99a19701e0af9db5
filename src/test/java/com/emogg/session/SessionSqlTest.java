package com.emogg.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The SQL derives its lists of worker states from the contract's rules rather than spelling them again. */
class SessionSqlTest {

    @Test
    void theStatementsTakeTheirStatesFromTheContract() {
        assertEquals("('stopped', 'failed', 'lost')", SessionSql.TERMINAL);
        assertEquals("('starting', 'working')", SessionSql.RUNNING);
        assertEquals("array_position(array['pending', 'starting', 'working', 'stopping', 'stopped', 'failed', 'lost'], x)",
                SessionSql.rank("x"));
        assertTrue(SessionSql.DELETE.contains("worker_state in " + SessionSql.TERMINAL));
        assertTrue(SessionSql.STOP.contains("when worker_state in " + SessionSql.RUNNING + " then 'stopping'"));
    }

    @Test
    void everyChangeRecordsItsEventsInTheSameStatementThroughTheOneWriter() {
        for (String statement : new String[] {SessionSql.CREATE, SessionSql.STOP, SessionSql.RENAME, SessionSql.DELETE}) {
            assertEquals(1, count(statement, "insert into outbox"), statement);
        }
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
