package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.REST_PASSWORD;
import static io.guardcluster.emulator.Emulator.REST_USER;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import org.junit.jupiter.api.Test;

import io.guardcluster.emulator.Emulator.LoggedIn;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class RestApiTest {

    private static final String RESOLVE = "/preliminary/utilities/mailResolver/v1/resolve/";
    private static final String CHALLENGE = "Basic realm=\"OX REST\", encoding=\"UTF-8\"";

    @Test
    void resolvesAnAddressWithBasicAuth() {
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD).get(RESOLVE + "alice@example.com")
                .then().statusCode(200)
                .body("$", aMapWithSize(1))
                .body("'alice@example.com'.uid", equalTo(3))
                .body("'alice@example.com'.cid", equalTo(1))
                .body("'alice@example.com'.user.displayName", equalTo("Alice Example"))
                .body("'alice@example.com'.user.language", equalTo("en_US"));
    }

    @Test
    void resolvesSeveralAddressesAndLeavesUnknownOnesOut() {
        // the further addresses are matrix parameters: the ';' must reach the server unencoded
        given().urlEncodingEnabled(false).auth().preemptive().basic(REST_USER, REST_PASSWORD)
                .get(RESOLVE + "bob@example.com;nobody@example.com;carol@example.com")
                .then().statusCode(200)
                .body("$", aMapWithSize(2))
                .body("'bob@example.com'.uid", equalTo(4))
                .body("'carol@example.com'.uid", equalTo(5));
    }

    @Test
    void anUnknownAddressIsAnEmptyObject() {
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD).get(RESOLVE + "nobody@example.com")
                .then().statusCode(200).body("$", anEmptyMap());
    }

    @Test
    void withoutCredentialsIs401WithABasicChallenge() {
        given().get(RESOLVE + "alice@example.com")
                .then().statusCode(401).header("WWW-Authenticate", CHALLENGE);
    }

    @Test
    void wrongCredentialsAre401() {
        given().auth().preemptive().basic(REST_USER, "wrong").get(RESOLVE + "alice@example.com")
                .then().statusCode(401).header("WWW-Authenticate", CHALLENGE);
        given().auth().preemptive().basic("alice", "secret-alice").get(RESOLVE + "alice@example.com")
                .then().statusCode(401);
        given().header("Authorization", "Basic not-base64!").get(RESOLVE + "alice@example.com")
                .then().statusCode(401);
    }

    @Test
    void sessionServiceNamesTheSessionsUser() {
        LoggedIn carol = LoggedIn.as("carol", "secret-carol");
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD)
                .get("/preliminary/session/v1/get/" + carol.sessionId())
                .then().statusCode(200).body("context", equalTo(1)).body("user", equalTo(5));
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD)
                .get("/preliminary/session/v1/get/0123456789abcdef0123456789abcdef")
                .then().statusCode(200).body("$", anEmptyMap());
        given().get("/preliminary/session/v1/get/" + carol.sessionId()).then().statusCode(401);
    }

    @Test
    void statsCountWhatHappenedAndNeedTheRestCredentials() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        Emulator.currentUser(alice.sessionId(), alice.cookies());
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD).get("/emulator/stats")
                .then().statusCode(200)
                .body("logins", greaterThanOrEqualTo(1))
                .body("validations", greaterThanOrEqualTo(1))
                .body("activeSessions", greaterThanOrEqualTo(1))
                .body("route", equalTo("node1"));
        given().get("/emulator/stats").then().statusCode(401);
    }
}
