package com.emogg.session;

import java.util.Locale;

/** Reads the lowercase API value of one of the session enums; null when it names none. */
public final class WireValues {

    private WireValues() {
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String value) {
        if (value == null || !value.equals(value.toLowerCase(Locale.ROOT))) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
