package com.emogg.session;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code active} -> {@code finished}; never back. */
public enum SessionState {
    ACTIVE,
    FINISHED;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
