package com.emogg.session;

import com.emogg.contract.WireValue;
import com.fasterxml.jackson.annotation.JsonValue;

/** Emogg knows other session types; this API creates only live analyses of a stream. */
public enum SessionType implements WireValue {
    LIVE_ANALYSIS;

    // declared here too, not only on WireValue: the OpenAPI document reads the enum's own methods
    @JsonValue
    @Override
    public String value() {
        return WireValue.super.value();
    }
}
