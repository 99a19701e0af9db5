package com.emogg.contract;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An enum as it appears on the wire, in JSON bodies, in SQL columns and in metric tags: its name in
 * lower case ({@code WORKER_LOST} is {@code worker_lost}). The one place that spells the rule.
 */
public interface WireValue {

    String name();

    @JsonValue
    default String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose wire value is {@code value} exactly (lower case), or null when none is. */
    static <E extends Enum<E> & WireValue> E parse(Class<E> type, String value) {
        if (value == null) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.value().equals(value)) {
                return constant;
            }
        }
        return null;
    }
}
