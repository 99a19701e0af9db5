package com.emogg.session;

import java.util.Locale;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Enums are stored as their lowercase API values, so SQL, JSON and events all read the same. */
abstract class LowerCaseEnumConverter<E extends Enum<E>> implements AttributeConverter<E, String> {

    private final Class<E> type;

    LowerCaseEnumConverter(Class<E> type) {
        this.type = type;
    }

    @Override
    public String convertToDatabaseColumn(E value) {
        return value == null ? null : value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public E convertToEntityAttribute(String value) {
        return value == null ? null : Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    }

    @Converter(autoApply = true)
    static class States extends LowerCaseEnumConverter<SessionState> {
        States() {
            super(SessionState.class);
        }
    }

    @Converter(autoApply = true)
    static class Types extends LowerCaseEnumConverter<SessionType> {
        Types() {
            super(SessionType.class);
        }
    }

    @Converter(autoApply = true)
    static class WorkerStates extends LowerCaseEnumConverter<WorkerState> {
        WorkerStates() {
            super(WorkerState.class);
        }
    }
}
