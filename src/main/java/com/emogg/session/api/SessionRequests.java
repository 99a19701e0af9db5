package com.emogg.session.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

import com.emogg.session.NewSession;
import com.emogg.web.JsonBodies;
import com.emogg.web.Validation;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the bodies of create and rename. Messages never echo the stream URI: it may carry
 * credentials.
 */
final class SessionRequests {

    static final int NAME_MAX = 256;
    static final int STREAM_URI_MAX = 2048;
    private static final Set<String> STREAM_SCHEMES = Set.of("rtmp", "rtmps", "rtsp");

    private SessionRequests() {
    }

    static NewSession create(JsonNode body) {
        JsonBodies.requireObject(body);
        Validation validation = new Validation();
        JsonBodies.rejectUnknown(body, validation, "name", "streamUri", "config");
        String name = name(body.get("name"), validation);
        URI streamUri = streamUri(body.get("streamUri"), validation);
        boolean removeMedia = removeMedia(body.get("config"), validation);
        validation.throwIfInvalid();
        return new NewSession(name, streamUri, removeMedia);
    }

    static String rename(JsonNode body) {
        JsonBodies.requireObject(body);
        Validation validation = new Validation();
        JsonBodies.rejectUnknown(body, validation, "name");
        String name = name(body.get("name"), validation);
        validation.throwIfInvalid();
        return name;
    }

    private static String name(JsonNode value, Validation validation) {
        if (value == null || value.isNull()) {
            validation.reject("name", "is required");
            return null;
        }
        if (!value.isTextual()) {
            validation.reject("name", "must be a string");
            return null;
        }
        String name = value.textValue();
        int length = name.codePointCount(0, name.length());
        if (name.isBlank()) {
            validation.reject("name", "must not be empty");
        } else if (length > NAME_MAX) {
            validation.reject("name", "must be at most " + NAME_MAX + " characters");
        } else if (name.chars().anyMatch(c -> c == 0)) {
            validation.reject("name", "must not contain NUL characters");
        }
        return name;
    }

    private static URI streamUri(JsonNode value, Validation validation) {
        if (value == null || value.isNull()) {
            validation.reject("streamUri", "is required");
            return null;
        }
        if (!value.isTextual()) {
            validation.reject("streamUri", "must be a string");
            return null;
        }
        String text = value.textValue().trim();
        if (text.length() > STREAM_URI_MAX) {
            validation.reject("streamUri", "must be at most " + STREAM_URI_MAX + " characters");
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!STREAM_SCHEMES.contains(scheme)) {
                validation.reject("streamUri", "must be an rtmp, rtmps or rtsp URI");
                return null;
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                validation.reject("streamUri", "must name a host");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            validation.reject("streamUri", "is not a valid URI");
            return null;
        }
    }

    private static boolean removeMedia(JsonNode config, Validation validation) {
        if (config == null || config.isNull()) {
            return false;
        }
        if (!config.isObject()) {
            validation.reject("config", "must be an object");
            return false;
        }
        JsonBodies.rejectUnknownIn("config.", config, validation, "removeMedia");
        JsonNode removeMedia = config.get("removeMedia");
        if (removeMedia == null || removeMedia.isNull()) {
            return false;
        }
        if (!removeMedia.isBoolean()) {
            validation.reject("config.removeMedia", "must be true or false");
            return false;
        }
        return removeMedia.booleanValue();
    }
}
