package com.emogg.session.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.hibernate.validator.constraints.CodePointLength;

/** A session's name: required, not blank, 1 to 256 characters (code points, as users count them), no NUL. */
@Documented
@Constraint(validatedBy = {})
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@NotNull(message = "is required")
@Pattern(regexp = "(?sU).*\\S.*", message = "must not be empty")
@CodePointLength(max = SessionName.MAX_LENGTH, message = "must be at most " + SessionName.MAX_LENGTH + " characters")
@Pattern(regexp = "[^\\x00]*", message = "must not contain NUL characters")
@Schema(required = true, minLength = 1, maxLength = SessionName.MAX_LENGTH)
public @interface SessionName {

    int MAX_LENGTH = 256;

    String message() default "is not a valid name";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
