package com.emogg.web;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The Emogg error body, on every 4xx and 5xx. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorBody(boolean error, int status, String message, List<FieldError> errors) {

    public record FieldError(String field, String message) {
    }

    public static ErrorBody of(int status, String message) {
        return new ErrorBody(true, status, message, List.of());
    }
}
