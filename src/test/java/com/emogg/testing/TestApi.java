package com.emogg.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import java.util.Map;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * What every API test needs: fresh users with their own tokens, sessions to work on, and a guard
 * that fails any test whose response shows a stream URI.
 */
public final class TestApi {

    public static final String ADMIN_TOKEN = "test-admin-token";
    /** Every test stream URI carries this password, which must never appear in a response. */
    public static final String STREAM_SECRET = "s3cret-Pa55";
    /**
     * The port and path of every test stream URI: only its host may be shown, as the source name. The
     * discard port on localhost: nothing streams there, and a worker finds that out at once.
     */
    public static final String STREAM_PATH = ":9/live-feed";
    public static final String STREAM_HOST = "localhost";

    static {
        RestAssured.filters((request, response, context) -> {
            var result = context.next(request, response);
            String body = result.getBody().asString();
            if (body.contains(STREAM_SECRET) || body.contains(STREAM_PATH)) {
                throw new AssertionError("a response revealed a stream URI: " + request.getMethod() + " " + request.getURI());
            }
            return result;
        });
    }

    public record TestUser(String token, String id, String product) {

        public RequestSpecification call() {
            return given().header("Authorization", "Bearer " + token);
        }

        public RequestSpecification json() {
            return call().contentType(ContentType.JSON);
        }

        public String createSession(String name) {
            return createSession(name, false);
        }

        public String createSession(String name, boolean removeMedia) {
            return json().body(Map.of("name", name, "streamUri", streamUri(), "config", Map.of("removeMedia", removeMedia)))
                    .when().post("/v1/sessions")
                    .then().statusCode(201)
                    .extract().path("_id");
        }
    }

    private TestApi() {
    }

    public static String streamUri() {
        return "rtsp://viewer:" + STREAM_SECRET + "@" + STREAM_HOST + STREAM_PATH;
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    public static TestUser newUser() {
        var issued = admin().contentType(ContentType.JSON).body("{}")
                .when().post("/admin/v1/tokens")
                .then().statusCode(201).body("token", not(containsString(" ")))
                .extract().jsonPath();
        return new TestUser(issued.getString("token"), issued.getString("user"), issued.getString("product"));
    }
}
