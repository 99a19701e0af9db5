package com.emogg.session;

import static com.emogg.testing.TestApi.newUser;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.emogg.testing.Database;
import com.emogg.testing.TestApi.TestUser;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

@QuarkusTest
class SessionListTest {

    @Inject
    Pool pool;

    /** Creates n sessions and returns their ids newest first, the order the list must show. */
    private static List<String> sessions(TestUser user, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(user.createSession("session " + i));
        }
        Collections.reverse(ids);
        return ids;
    }

    @Test
    void anEmptyListHasTheEnvelopeWithDefaults() {
        newUser().call().when().get("/v1/sessions")
                .then().statusCode(200)
                .body("hasMore", equalTo(false))
                .body("offset", equalTo(0))
                .body("limit", equalTo(10))
                .body("data", empty());
    }

    @Test
    void newestFirstWithHasMoreExactAtPageEdges() {
        TestUser user = newUser();
        List<String> ids = sessions(user, 5);

        user.call().when().get("/v1/sessions").then().statusCode(200)
                .body("hasMore", equalTo(false)).body("data._id", equalTo(ids));
        user.call().queryParam("limit", 5).when().get("/v1/sessions")
                .then().body("hasMore", equalTo(false)).body("data._id", equalTo(ids));
        user.call().queryParam("limit", 4).when().get("/v1/sessions")
                .then().body("hasMore", equalTo(true)).body("limit", equalTo(4)).body("data._id", equalTo(ids.subList(0, 4)));
        user.call().queryParam("limit", 2).queryParam("offset", 2).when().get("/v1/sessions")
                .then().body("hasMore", equalTo(true)).body("offset", equalTo(2)).body("data._id", equalTo(ids.subList(2, 4)));
        user.call().queryParam("limit", 2).queryParam("offset", 3).when().get("/v1/sessions")
                .then().body("hasMore", equalTo(false)).body("data._id", equalTo(ids.subList(3, 5)));
        user.call().queryParam("limit", 1).queryParam("offset", 4).when().get("/v1/sessions")
                .then().body("hasMore", equalTo(false)).body("data._id", contains(ids.get(4)));
        user.call().queryParam("offset", 5).when().get("/v1/sessions")
                .then().body("hasMore", equalTo(false)).body("data", empty());
        user.call().queryParam("offset", 500).when().get("/v1/sessions")
                .then().statusCode(200).body("data", empty());
    }

    @Test
    void limitBoundsAreOneAndAHundred() {
        TestUser user = newUser();
        user.call().queryParam("limit", 1).when().get("/v1/sessions").then().statusCode(200).body("limit", equalTo(1));
        user.call().queryParam("limit", 100).when().get("/v1/sessions").then().statusCode(200).body("limit", equalTo(100));
        user.call().when().get("/v1/sessions?limit=").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        for (String bad : new String[] {"0", "101", "-1", "ten", "1.5", "99999999999999999999"}) {
            user.call().queryParam("limit", bad).when().get("/v1/sessions")
                    .then().statusCode(400).body("error", equalTo(true)).body("errors[0].field", equalTo("limit"));
        }
        for (String bad : new String[] {"-1", "x", "1e3", "3000000000"}) {
            user.call().queryParam("offset", bad).when().get("/v1/sessions")
                    .then().statusCode(400).body("errors[0].field", equalTo("offset"));
        }
    }

    @Test
    void filtersByState() {
        TestUser user = newUser();
        List<String> ids = sessions(user, 3);
        String stopped = ids.get(1);
        user.call().when().post("/v1/sessions/" + stopped + "/stop").then().statusCode(200);

        user.call().queryParam("state", "finished").when().get("/v1/sessions")
                .then().body("data._id", contains(stopped));
        user.call().queryParam("state", "active").when().get("/v1/sessions")
                .then().body("data._id", contains(ids.get(0), ids.get(2)));
        user.call().queryParam("type", "live_analysis").when().get("/v1/sessions")
                .then().body("data._id", equalTo(ids));
        user.call().queryParam("state", "paused").when().get("/v1/sessions")
                .then().statusCode(400).body("errors[0].field", equalTo("state"));
        user.call().queryParam("state", "ACTIVE").when().get("/v1/sessions").then().statusCode(400);
        user.call().queryParam("type", "video").when().get("/v1/sessions")
                .then().statusCode(400).body("errors[0].field", equalTo("type"));
    }

    @Test
    void fromIsInclusiveAndToExclusiveInEveryDateFormat() {
        TestUser user = newUser();
        List<String> ids = sessions(user, 3);
        // spread the sessions over three known instants
        Instant base = Instant.parse("2024-04-01T10:30:00.000Z");
        for (int i = 0; i < 3; i++) {
            Database.rows(pool, "update sessions set created_at = $1 where id = $2",
                    base.plusSeconds(60L * i).atOffset(ZoneOffset.UTC), ids.get(2 - i));
        }
        Instant middle = base.plusSeconds(60);
        String[] formats = {
                "2024-04-01T10:31:00.000Z",
                "2024-04-01T10:31:00Z",
                "2024-04-01T12:31:00+02:00",
                "2024-04-01T10:31:00",
                Long.toString(middle.toEpochMilli()),
        };
        for (String from : formats) {
            user.call().queryParam("from", from).when().get("/v1/sessions")
                    .then().statusCode(200).body("data._id", contains(ids.get(0), ids.get(1)));
            user.call().queryParam("to", from).when().get("/v1/sessions")
                    .then().statusCode(200).body("data._id", contains(ids.get(2)));
            user.call().queryParam("from", from).queryParam("to", from).when().get("/v1/sessions")
                    .then().statusCode(200).body("data", empty());
        }
        user.call().queryParam("from", OffsetDateTime.of(2024, 4, 1, 6, 30, 0, 0, ZoneOffset.ofHours(-4)).toString())
                .when().get("/v1/sessions").then().body("data._id", equalTo(ids));
        user.call().queryParam("to", "2024-04-01").when().get("/v1/sessions").then().body("data", empty());
        user.call().queryParam("from", "2024-04-01").when().get("/v1/sessions").then().body("data._id", equalTo(ids));
        user.call().when().get("/v1/sessions").then().body("data[2].timestamp", equalTo("2024-04-01T10:30:00.000Z"));
    }

    @Test
    void badDatesAre400() {
        TestUser user = newUser();
        for (String bad : new String[] {"yesterday", "2024-13-01T00:00:00Z", "2024-04-01T25:00:00Z", "2024/04/01",
                "99999999999999999999", "-5", "2024-04-01T10:30:00+25:00"}) {
            user.call().queryParam("from", bad).when().get("/v1/sessions")
                    .then().statusCode(400).body("error", equalTo(true)).body("errors[0].field", equalTo("from"));
        }
        user.call().when().get("/v1/sessions?from=").then().statusCode(400).body("errors[0].field", equalTo("from"));
        user.call().queryParam("from", "2024-04-02T00:00:00Z").queryParam("to", "2024-04-01T00:00:00Z")
                .when().get("/v1/sessions").then().statusCode(400).body("errors[0].field", equalTo("to"));
    }

    @Test
    void theListNeverShowsAnotherUsersSessions() {
        TestUser owner = newUser();
        TestUser other = newUser();
        String mine = owner.createSession("mine");
        other.createSession("theirs");
        owner.call().queryParam("limit", 100).when().get("/v1/sessions")
                .then().body("data._id", contains(mine)).body("data.user", not(hasItem(other.id())));
        assertEquals(1, Database.rows(pool, "select 1 from sessions where user_id = $1", other.id()).size());
    }
}
