package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** Another user's session is indistinguishable from a missing one, and stays untouched. */
@QuarkusTest
class UserIsolationTest {

    @Inject
    Pool pool;

    @Test
    void anotherUsersSessionIs404OnEveryVerbWithTheBodyOfAMissingOne() {
        TestUser owner = newUser();
        TestUser intruder = newUser();
        String id = owner.createSession("private");
        String missing = "0123456789abcdef01234567";

        String notFound = intruder.call().when().get("/v1/sessions/" + missing).then().statusCode(404).extract().asString();
        assertEquals(notFound, intruder.call().when().get("/v1/sessions/" + id).then().statusCode(404).extract().asString());
        intruder.json().body("{\"name\":\"stolen\"}").when().patch("/v1/sessions/" + id)
                .then().statusCode(404).body("message", equalTo("Session not found"));
        intruder.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(404).body("message", equalTo("Session not found"));
        intruder.call().when().delete("/v1/sessions/" + id).then().statusCode(404).body("message", equalTo("Session not found"));
        intruder.call().when().get("/v1/sessions").then().body("data", empty());

        var row = Database.row(pool, "select name, state from sessions where id = $1", id);
        assertEquals("private", row.getString("name"));
        assertEquals("active", row.getString("state"));

        // and once finished, delete by the intruder still changes nothing
        owner.call().when().post("/v1/sessions/" + id + "/stop").then().statusCode(200);
        intruder.call().when().delete("/v1/sessions/" + id).then().statusCode(404);
        owner.call().when().get("/v1/sessions/" + id).then().statusCode(200).body("name", equalTo("private"));
    }
}
