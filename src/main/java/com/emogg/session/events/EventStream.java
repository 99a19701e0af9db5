package com.emogg.session.events;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * Where a recorded event goes. Rows name the stream, not the topic, so a topic renamed in
 * configuration applies to events already waiting.
 */
public enum EventStream {
    /** {@code session-commands}: what workers must do (start, stop), keyed by session id. */
    COMMANDS,
    /** {@code session-events}: public facts of each session's life, for other services. */
    EVENTS;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Converter(autoApply = true)
    static class Column implements AttributeConverter<EventStream, String> {
        @Override
        public String convertToDatabaseColumn(EventStream stream) {
            return stream == null ? null : stream.value();
        }

        @Override
        public EventStream convertToEntityAttribute(String value) {
            return value == null ? null : EventStream.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
