package com.emogg.platform.auth;

import static com.emogg.testing.TestApi.admin;
import static com.emogg.testing.TestApi.newUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
class AuthenticationTest {

    @Inject
    Pool pool;

    @Test
    void everyV1EndpointRequiresABearerToken() {
        String id = newUser().createSession("s");
        String[][] calls = {
                {"GET", "/v1/sessions"}, {"POST", "/v1/sessions"}, {"GET", "/v1/sessions/" + id},
                {"PATCH", "/v1/sessions/" + id}, {"POST", "/v1/sessions/" + id + "/stop"}, {"DELETE", "/v1/sessions/" + id}};
        for (String[] call : calls) {
            given().contentType(ContentType.JSON).body("{}").when().request(call[0], call[1])
                    .then().statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"))
                    .body("error", equalTo(true)).body("status", equalTo(401));
            for (String header : new String[] {"Bearer emg_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer", "emg_x", ""}) {
                given().header("Authorization", header).contentType(ContentType.JSON).body("{}")
                        .when().request(call[0], call[1]).then().statusCode(401).body("status", equalTo(401));
            }
        }
    }

    @Test
    void theSchemeIsCaseInsensitive() {
        TestUser user = newUser();
        given().header("Authorization", "bearer " + user.token()).when().get("/v1/sessions").then().statusCode(200);
    }

    @Test
    void issuedTokensAreRandomAndStoredOnlyAsTheirHash() {
        var issued = admin().contentType(ContentType.JSON).body("{}").when().post("/admin/v1/tokens")
                .then().statusCode(201)
                .body("id", matchesPattern("[0-9a-f]{24}"))
                .body("user", matchesPattern("[0-9a-f]{24}"))
                .body("product", matchesPattern("[0-9a-f]{24}"))
                .body("token", matchesPattern("emg_[A-Za-z0-9_-]{43}"))
                .extract().jsonPath();
        String token = issued.getString("token");
        var row = Database.row(pool, "select token_hash, user_id, product_id from api_tokens where id = $1", issued.getString("id"));
        assertArrayEquals(Tokens.hash(token), row.getBuffer("token_hash").getBytes());
        assertEquals(issued.getString("user"), row.getString("user_id"));
        assertFalse(Database.rows(pool, "select 1 from api_tokens where encode(token_hash, 'escape') like '%' || $1 || '%'",
                token.substring(4, 20)).size() > 0, "the token text is not stored");
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() {
        var issued = admin().contentType(ContentType.JSON).body("{}").when().post("/admin/v1/tokens")
                .then().statusCode(201).extract().jsonPath();
        String token = issued.getString("token");
        given().header("Authorization", "Bearer " + token).when().get("/v1/sessions").then().statusCode(200);
        admin().when().delete("/admin/v1/tokens/" + issued.getString("id")).then().statusCode(204);
        given().header("Authorization", "Bearer " + token).when().get("/v1/sessions")
                .then().statusCode(401).body("message", equalTo("The token is invalid or revoked"));
        // revoking again is harmless; an unknown token is 404
        admin().when().delete("/admin/v1/tokens/" + issued.getString("id")).then().statusCode(204);
        admin().when().delete("/admin/v1/tokens/0123456789abcdef01234567").then().statusCode(404).body("error", equalTo(true));
        admin().when().delete("/admin/v1/tokens/not-an-id").then().statusCode(404);
    }

    @Test
    void tokensCanBeIssuedForAGivenUserAndProduct() {
        String user = "aaaaaaaaaaaaaaaaaaaaaaa1";
        String product = "bbbbbbbbbbbbbbbbbbbbbbb1";
        admin().contentType(ContentType.JSON).body("{\"user\":\"" + user + "\",\"product\":\"" + product + "\"}")
                .when().post("/admin/v1/tokens")
                .then().statusCode(201).body("user", equalTo(user)).body("product", equalTo(product));
        // a second token of the same user keeps the user's product
        String second = admin().contentType(ContentType.JSON).body("{\"user\":\"" + user + "\"}")
                .when().post("/admin/v1/tokens")
                .then().statusCode(201).body("product", equalTo(product)).extract().path("token");
        // both tokens act as the same user
        given().header("Authorization", "Bearer " + second).contentType(ContentType.JSON)
                .body("{\"name\":\"n\",\"streamUri\":\"rtsp://cam.test/1\"}").when().post("/v1/sessions")
                .then().statusCode(201).body("user", equalTo(user)).body("product", equalTo(product));
        admin().contentType(ContentType.JSON).body("{\"user\":\"" + user + "\",\"product\":\"cccccccccccccccccccccccc\"}")
                .when().post("/admin/v1/tokens").then().statusCode(409).body("error", equalTo(true));
        admin().contentType(ContentType.JSON).body("{\"user\":\"NOT-HEX\"}").when().post("/admin/v1/tokens")
                .then().statusCode(400).body("errors[0].field", equalTo("user"));
        admin().contentType(ContentType.JSON).body("{\"role\":\"admin\"}").when().post("/admin/v1/tokens")
                .then().statusCode(400).body("errors[0].field", equalTo("role"));
        admin().contentType(ContentType.JSON).when().post("/admin/v1/tokens").then().statusCode(201);
    }

    @Test
    void theAdminApiRefusesUserTokensAndNoToken() {
        TestUser user = newUser();
        user.json().body("{}").when().post("/admin/v1/tokens").then().statusCode(401).body("error", equalTo(true));
        given().contentType(ContentType.JSON).body("{}").when().post("/admin/v1/tokens").then().statusCode(401);
        given().header("Authorization", "Bearer test-admin-token-but-longer").contentType(ContentType.JSON).body("{}")
                .when().post("/admin/v1/tokens").then().statusCode(401);
        user.call().when().delete("/admin/v1/tokens/0123456789abcdef01234567").then().statusCode(401);
    }

    @Test
    void adminTokensDoNotWorkOnTheUserApi() {
        admin().when().get("/v1/sessions").then().statusCode(401);
    }
}
