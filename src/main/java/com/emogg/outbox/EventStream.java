package com.emogg.outbox;

import com.emogg.contract.WireValue;

/**
 * Where a recorded event goes. Rows name the stream, not the topic, so a topic renamed in
 * configuration applies to events already waiting.
 */
public enum EventStream implements WireValue {
    /** {@code session-commands}: what workers must do (start, stop), keyed by session id. */
    COMMANDS,
    /** {@code session-events}: public facts of each session's life, for other services. */
    EVENTS
}
