package com.emogg.session;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Emogg knows other session types; this API creates only live analyses of a stream. */
public enum SessionType {
    LIVE_ANALYSIS;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
