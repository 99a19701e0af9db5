package com.emogg.web;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Request bodies are read as JSON trees and checked by hand: a wrong type, a missing or an unknown
 * field becomes a 400 that names the field, where data binding would give a generic error.
 */
public final class JsonBodies {

    private JsonBodies() {
    }

    public static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static void requireObject(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw ApiException.badRequest("A JSON object is required as the request body");
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object");
        }
    }

    public static void rejectUnknown(JsonNode object, Validation validation, String... allowed) {
        rejectUnknownIn("", object, validation, allowed);
    }

    /** As {@link #rejectUnknown}, for a nested object whose fields are reported as {@code prefix.field}. */
    public static void rejectUnknownIn(String prefix, JsonNode object, Validation validation, String... allowed) {
        Set<String> known = Set.of(allowed);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                validation.reject(prefix + printable(name), "is not a known field");
            }
        }
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
