package com.emogg.platform.http;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The Emogg error body, on every 4xx and 5xx. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Error", description = "The body of every 4xx and 5xx response",
        example = "{\"error\": true, \"status\": 400, \"message\": \"name: is required\", "
                + "\"errors\": [{\"field\": \"name\", \"message\": \"is required\"}]}")
// written by hand too (TooLargeBodies, recorded responses): a native image must keep it reflectable
@RegisterForReflection(targets = {ErrorBody.class, ErrorBody.FieldError.class})
public record ErrorBody(boolean error, int status, String message,
        @Schema(description = "Validation errors only: every problem of the request") List<FieldError> errors) {

    public record FieldError(String field, String message) {
    }

    public static ErrorBody of(int status, String message) {
        return new ErrorBody(true, status, message, List.of());
    }
}
