package com.emogg.platform.http;

import java.util.ArrayList;
import java.util.List;

import com.emogg.platform.http.ErrorBody.FieldError;

/** Collects every problem of a request before failing, so a client fixes them in one round. */
public final class Validation {

    private final List<FieldError> errors = new ArrayList<>();

    public Validation reject(String field, String message) {
        errors.add(new FieldError(field, message));
        return this;
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
    }
}
