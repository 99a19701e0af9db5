package com.emogg.session;

import com.emogg.contract.WireValue;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code active} -> {@code finished}; never back. */
public enum SessionState implements WireValue {
    ACTIVE,
    FINISHED;

    // declared here too, not only on WireValue: the OpenAPI document reads the enum's own methods
    @JsonValue
    @Override
    public String value() {
        return WireValue.super.value();
    }
}
