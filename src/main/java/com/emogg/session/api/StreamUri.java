package com.emogg.session.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.platform.net.IpNetwork;
import com.emogg.platform.net.StreamAddresses;

/**
 * A stream the workers can analyse: an {@code rtmp}, {@code rtmps} or {@code rtsp} URI with a host,
 * at most 2048 characters, whose host is not an address literal workers may not connect to
 * ({@link StreamAddresses}, in every spelling: {@code 10.0.0.1}, {@code 0xa.1}, {@code 167772161},
 * {@code [::ffff:10.0.0.1]}...). A host name passes: only the worker that resolves it knows where it
 * points, and judges it there. Messages never echo the URI: it may carry credentials.
 */
@Documented
@Constraint(validatedBy = StreamUri.Check.class)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface StreamUri {

    int MAX_LENGTH = 2048;

    String message() default "must be an rtmp, rtmps or rtsp URI";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Says what is wrong with the URI, in one message; null passes (required is another constraint's say). */
    final class Check implements ConstraintValidator<StreamUri, String> {

        static final String INTERNAL_ADDRESS = "must not name a loopback, private, link-local or other internal address";
        private static final Set<String> SCHEMES = Set.of("rtmp", "rtmps", "rtsp");

        private final StreamAddresses permitted;

        /** The workers' setting: what they may connect to, the api accepts. */
        @Inject
        public Check(@ConfigProperty(name = "emogg.worker.allowed-networks") Optional<List<IpNetwork>> allowedNetworks) {
            this.permitted = StreamAddresses.allowing(allowedNetworks);
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            String problem = problem(value.trim());
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
            return false;
        }

        private String problem(String text) {
            if (text.length() > MAX_LENGTH) {
                return "must be at most " + MAX_LENGTH + " characters";
            }
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!SCHEMES.contains(scheme)) {
                    return "must be an rtmp, rtmps or rtsp URI";
                }
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    return "must name a host";
                }
                return permitted.refusesLiteral(uri.getHost()) ? INTERNAL_ADDRESS : null;
            } catch (URISyntaxException e) {
                return "is not a valid URI";
            }
        }
    }
}
