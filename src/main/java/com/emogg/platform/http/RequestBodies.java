package com.emogg.platform.http;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.emogg.platform.http.ErrorBody.FieldError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads a JSON request body into its record and validates it with Hibernate Validator, answering
 * every problem of the body at once (a 400 that lists them), so a client fixes them in one round.
 * Binding alone would stop at the first wrong type or unknown field; so the body's shape is held
 * against the record's components first (unknown fields, JSON types), and what is left is bound and
 * validated by the record's constraints.
 */
@ApplicationScoped
public class RequestBodies {

    private final ObjectMapper json;
    private final Validator validator;

    public RequestBodies(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** The body as {@code type}; an absent body reads as {@code absent} (null: a body is required). */
    public <T extends Record> T read(JsonNode body, Class<T> type, JsonNode absent) {
        JsonNode given = body == null || body.isNull() || body.isMissingNode() ? absent : body;
        if (given == null) {
            throw ApiException.badRequest("A JSON object is required as the request body");
        }
        if (!given.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        ObjectNode shaped = shape("", (ObjectNode) given, type, errors);
        T value;
        try {
            value = json.treeToValue(shaped, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a body of the right shape that does not bind is a bug", e);
        }
        List<FieldError> violations = new ArrayList<>();
        for (ConstraintViolation<T> violation : validator.validate(value)) {
            violations.add(new FieldError(violation.getPropertyPath().toString(), violation.getMessage()));
        }
        violations.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        errors.addAll(violations);
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return value;
    }

    public <T extends Record> T read(JsonNode body, Class<T> type) {
        return read(body, type, null);
    }

    /** The fields of {@code object} that fit {@code type}'s components; a problem for each that does not. */
    private static ObjectNode shape(String prefix, ObjectNode object, Class<?> type, List<FieldError> errors) {
        Map<String, RecordComponent> components = new HashMap<>();
        for (RecordComponent component : type.getRecordComponents()) {
            components.put(component.getName(), component);
        }
        ObjectNode kept = object.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            RecordComponent component = components.get(field.getKey());
            String name = prefix + printable(field.getKey());
            JsonNode value = field.getValue();
            if (component == null) {
                errors.add(new FieldError(name, "is not a known field"));
            } else if (value.isNull()) {
                kept.set(field.getKey(), value);
            } else if (component.getType().isRecord()) {
                if (value.isObject()) {
                    kept.set(field.getKey(), shape(name + ".", (ObjectNode) value, component.getType(), errors));
                } else {
                    errors.add(new FieldError(name, "must be an object"));
                }
            } else {
                String problem = typeProblem(component.getType(), value);
                if (problem == null) {
                    kept.set(field.getKey(), value);
                } else {
                    errors.add(new FieldError(name, problem));
                }
            }
        }
        return kept;
    }

    private static String typeProblem(Class<?> type, JsonNode value) {
        if (type == String.class) {
            return value.isTextual() ? null : "must be a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return value.isBoolean() ? null : "must be true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return value.isNumber() ? null : "must be a number";
        }
        return null;
    }

    /** Field names are echoed back: keep them short and free of control characters. */
    private static String printable(String name) {
        String cleaned = name.codePoints()
                .filter(c -> !Character.isISOControl(c))
                .limit(64)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return cleaned.isEmpty() ? "(unnamed)" : cleaned;
    }
}
