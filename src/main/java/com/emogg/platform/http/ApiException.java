package com.emogg.platform.http;

import java.util.List;

import com.emogg.platform.http.ErrorBody.FieldError;

/** A client-visible failure: its status and message go to the caller as the Emogg error body. */
public class ApiException extends RuntimeException {

    private final int status;
    private final List<FieldError> errors;

    public ApiException(int status, String message, List<FieldError> errors) {
        super(message, null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public ApiException(int status, String message) {
        this(status, message, List.of());
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException invalid(List<FieldError> errors) {
        String message = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message() : "The request is invalid";
        return new ApiException(400, message, errors);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public int status() {
        return status;
    }

    public ErrorBody body() {
        return new ErrorBody(true, status, getMessage(), errors);
    }
}
