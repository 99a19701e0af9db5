package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.emogg.testing.TestApi;
import com.emogg.testing.TestApi.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Client mistakes get a 4xx with the Emogg error body: never a 500, a stack trace or a class name. */
@QuarkusTest
class SessionRequestErrorsTest {

    private static ValidatableResponse isError(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType(containsString("application/json"))
                .body("error", equalTo(true))
                .body("status", equalTo(status))
                .body("message", not(containsString("Exception")))
                .body("message", not(containsString("com.emogg")))
                .body(not(containsString("\tat ")));
    }

    private static ValidatableResponse create(TestUser user, String body) {
        return user.json().body(body).when().post("/v1/sessions").then();
    }

    @Test
    void createRejectsBadNames() {
        TestUser user = newUser();
        String uri = TestApi.streamUri();
        isError(create(user, "{\"streamUri\":\"" + uri + "\"}"), 400).body("errors[0].field", equalTo("name"));
        isError(create(user, "{\"name\":\"\",\"streamUri\":\"" + uri + "\"}"), 400).body("errors[0].field", equalTo("name"));
        isError(create(user, "{\"name\":\"   \",\"streamUri\":\"" + uri + "\"}"), 400).body("errors[0].field", equalTo("name"));
        isError(create(user, "{\"name\":\"" + "n".repeat(257) + "\",\"streamUri\":\"" + uri + "\"}"), 400)
                .body("errors[0].message", containsString("256"));
        isError(create(user, "{\"name\":42,\"streamUri\":\"" + uri + "\"}"), 400).body("errors[0].message", equalTo("must be a string"));
        isError(create(user, "{\"name\":null,\"streamUri\":\"" + uri + "\"}"), 400);
        // 256 characters that are each two UTF-16 units still fit
        user.json().body(Map.of("name", "\uD83D\uDE00".repeat(256), "streamUri", uri))
                .when().post("/v1/sessions").then().statusCode(201);
    }

    @Test
    void createAcceptsOnlyRtmpRtmpsAndRtspStreams() {
        TestUser user = newUser();
        for (String bad : new String[] {"http://cam.test/live", "file:///etc/passwd", "cam.test/live", "rtsp://", "rtsp:///path",
                "not a uri", "srt://cam.test:9000"}) {
            isError(user.json().body(Map.of("name", "n", "streamUri", bad)).when().post("/v1/sessions").then(), 400)
                    .body("errors[0].field", equalTo("streamUri"));
        }
        isError(create(user, "{\"name\":\"n\"}"), 400).body("errors[0].field", equalTo("streamUri"));
        isError(create(user, "{\"name\":\"n\",\"streamUri\":7}"), 400).body("errors[0].field", equalTo("streamUri"));
        isError(user.json().body(Map.of("name", "n", "streamUri", "rtsp://cam.test/" + "a".repeat(3000)))
                .when().post("/v1/sessions").then(), 400);
        user.json().body(Map.of("name", "n", "streamUri", "RTSP://cam.test/live")).when().post("/v1/sessions").then().statusCode(201);
    }

    /**
     * The addresses workers may not connect to, written as literals in any spelling, are refused at
     * create (the tests' settings open loopback, as the local run's do: these are other ranges). The
     * message names the problem, never the URI.
     */
    @Test
    void createRefusesAddressLiteralsWorkersMayNotConnectTo() {
        TestUser user = newUser();
        for (String host : new String[] {"10.0.0.1", "0xa.0.0.1", "012.0.0.1", "167772161", "0xa000001", "10.1", "172.16.0.1",
                "192.168.1.1", "3232235777", "169.254.169.254", "0251.0376.0251.0376", "2852039166", "0xa9fea9fe", "100.64.0.1",
                "0.0.0.0", "0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.1", "[::]", "[fe80::1]", "[fe80::1%25eth0]",
                "[fd00::1]", "[ff02::1]", "[::ffff:10.0.0.1]", "[::ffff:a9fe:a9fe]", "[::ffff:0:0]", "[64:ff9b::10.0.0.1]",
                "[2002:a9fe:a9fe::]", "[::169.254.169.254]", "[2001:db8::1]"}) {
            // TestApi's filter fails the test if the response shows the password or the port and path
            String uri = "rtsp://viewer:" + TestApi.STREAM_SECRET + "@" + host + TestApi.STREAM_PATH;
            // java.net.URI finds no host at all in some spellings (0xa.0.0.1, 10.1): refused as such
            String expected = java.net.URI.create(uri).getHost() == null ? "must name a host"
                    : "must not name a loopback, private, link-local or other internal address";
            isError(user.json().body(Map.of("name", "n", "streamUri", uri)).when().post("/v1/sessions").then(), 400)
                    .body("errors[0].field", equalTo("streamUri"))
                    .body("errors[0].message", equalTo(expected));
        }
        // names are the worker's to judge, where they resolve; public addresses and the allowed loopback pass
        for (String uri : new String[] {"rtsp://camera.internal.example/live", "rtsp://8.8.8.8/live", "rtmp://[2606:4700::1111]/app",
                "rtsp://127.0.0.2:9/live", "rtsp://[::1]:9/live", "rtsp://[::ffff:127.0.0.1]:9/live", "rtsp://2130706433:9/live"}) {
            user.json().body(Map.of("name", "n", "streamUri", uri)).when().post("/v1/sessions").then().statusCode(201);
        }
    }

    @Test
    void createReportsEveryProblemAtOnceAndRejectsUnknownFields() {
        TestUser user = newUser();
        isError(create(user, "{\"name\":\"\",\"streamUri\":\"ftp://x\",\"color\":\"red\",\"config\":{\"removeMedia\":\"yes\",\"x\":1}}"), 400)
                .body("message", equalTo("The request is invalid"))
                .body("errors.field", hasItem("name"))
                .body("errors.field", hasItem("streamUri"))
                .body("errors.field", hasItem("color"))
                .body("errors.field", hasItem("config.removeMedia"))
                .body("errors.field", hasItem("config.x"));
        isError(create(user, "{\"name\":\"n\",\"streamUri\":\"rtsp://cam.test/1\",\"config\":[]}"), 400)
                .body("errors[0].field", equalTo("config"));
    }

    @Test
    void malformedJsonIs400() {
        TestUser user = newUser();
        isError(create(user, "{\"name\":"), 400).body("message", equalTo("The request body is not valid JSON"));
        isError(create(user, "{bad json}"), 400).body("message", equalTo("The request body is not valid JSON"));
        isError(create(user, "[1,2]"), 400).body("message", equalTo("The request body must be a JSON object"));
        isError(create(user, "\"text\""), 400);
        isError(create(user, "null"), 400);
        isError(user.json().when().post("/v1/sessions").then(), 400);
    }

    @Test
    void wrongContentTypeIs415() {
        TestUser user = newUser();
        isError(user.call().contentType("text/plain").body("name=x").when().post("/v1/sessions").then(), 415);
        isError(user.call().contentType("application/x-www-form-urlencoded").body("name=x").when().post("/v1/sessions").then(), 415);
        String id = user.createSession("n");
        isError(user.call().contentType("text/plain").body("x").when().patch("/v1/sessions/" + id).then(), 415);
    }

    @Test
    void patchAcceptsOnlyTheName() {
        TestUser user = newUser();
        String id = user.createSession("n");
        isError(user.json().body("{\"name\":\"ok\",\"state\":\"finished\"}").when().patch("/v1/sessions/" + id).then(), 400)
                .body("errors[0].field", equalTo("state"));
        isError(user.json().body("{\"_id\":\"0123456789abcdef01234567\"}").when().patch("/v1/sessions/" + id).then(), 400);
        isError(user.json().body("{}").when().patch("/v1/sessions/" + id).then(), 400).body("errors[0].field", equalTo("name"));
        isError(user.json().body("{\"name\":\"\"}").when().patch("/v1/sessions/" + id).then(), 400);
        isError(user.json().body("{\"name\":").when().patch("/v1/sessions/" + id).then(), 400);
        user.call().when().get("/v1/sessions/" + id).then().body("name", equalTo("n")).body("state", equalTo("active"));
    }

    @Test
    void unknownRoutesAndMethodsGetTheErrorBody() {
        TestUser user = newUser();
        isError(user.call().when().get("/v1/nothing-here").then(), 404);
        isError(user.call().when().get("/v1/sessions/0123456789abcdef01234567/unknown").then(), 404);
        isError(given().when().get("/no/such/route").then(), 404);
        isError(user.call().when().put("/v1/sessions").then(), 405);
        isError(user.call().when().delete("/v1/sessions").then(), 405);
        isError(user.call().when().get("/v1/sessions/0123456789abcdef01234567/stop").then(), 405);
    }

    @Test
    void aClientThatOnlyAcceptsXmlIsTold406() {
        TestUser user = newUser();
        isError(user.call().accept("application/xml").when().get("/v1/sessions").then(), 406);
    }
}
