package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.browser;
import static io.guardcluster.emulator.Emulator.currentUser;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.guardcluster.emulator.Emulator.LoggedIn;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
class SessionValidationTest {

    @Test
    void sessionWithItsCookiesNamesTheUser() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        currentUser(alice.sessionId(), alice.cookies()).then().statusCode(200)
                .body("$", not(hasKey("error")))
                .body("data.id", equalTo("3"))
                .body("data.user_id", equalTo(3))
                .body("data.email1", equalTo("alice@example.com"))
                .body("data.display_name", equalTo("Alice Example"))
                .body("data.locale", equalTo("en_US"))
                .body("timestamp", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void userMeAddsTheContext() {
        LoggedIn bob = LoggedIn.as("bob", "secret-bob");
        browser().cookies(bob.cookies()).queryParam("session", bob.sessionId()).get("/appsuite/api/user/me")
                .then().statusCode(200)
                .body("data.context_id", equalTo(1))
                .body("data.user_id", equalTo(4))
                .body("data.login_name", equalTo("bob"))
                .body("data.display_name", equalTo("Bob Example"))
                .body("data.context_admin", equalTo(2));
    }

    @Test
    void anotherUserOfTheContextCanBeReadById() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        browser().cookies(alice.cookies()).queryParam("action", "get").queryParam("session", alice.sessionId())
                .queryParam("id", "5").get("/ajax/user")
                .then().statusCode(200).body("data.email1", equalTo("carol@example.com"));
        browser().cookies(alice.cookies()).queryParam("action", "get").queryParam("session", alice.sessionId())
                .queryParam("id", "77").get("/ajax/user")
                .then().statusCode(200).body("code", equalTo("USR-0010"));
    }

    @Test
    void withoutTheSecretCookieTheSessionIsExpired() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        currentUser(alice.sessionId(), alice.cookiesWithout("open-xchange-secret-")).then().statusCode(200)
                .body("code", equalTo("SES-0203"))
                .body("error", equalTo("Your session expired. Please login again."))
                .body("error_desc", equalTo("Your session " + alice.sessionId() + " expired. Please start a new browser session."))
                .body("error_params", contains(alice.sessionId()))
                .body("categories", equalTo("TRY_AGAIN"))
                .body("category", equalTo(4))
                .body("$", not(hasKey("data")));
        // no cookies at all
        currentUser(alice.sessionId(), Map.of()).then().body("code", equalTo("SES-0203"));
    }

    @Test
    void anotherSessionsSecretDoesNotOpenThisSession() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        LoggedIn mallory = LoggedIn.as("bob", "secret-bob");
        // same browser, same cookie names: bob's cookies with alice's session id
        currentUser(alice.sessionId(), mallory.cookies()).then().statusCode(200).body("code", equalTo("SES-0203"));
        Map<String, String> forged = new HashMap<>(alice.cookies());
        forged.put(alice.cookie("open-xchange-secret-").getKey(), "0123456789abcdef0123456789abcdef");
        currentUser(alice.sessionId(), forged).then().body("code", equalTo("SES-0203"));
    }

    @Test
    void withCookieHashCalculateTheUserAgentMustBeTheLoginsOne() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        RestAssured.given().header("User-Agent", "SomeOtherAgent/2").cookies(alice.cookies())
                .queryParam("action", "get").queryParam("session", alice.sessionId()).get("/appsuite/api/user")
                .then().statusCode(200).body("code", equalTo("SES-0203"));
    }

    @Test
    void unknownSessionIsExpired() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        currentUser("0123456789abcdef0123456789abcdef", alice.cookies()).then().statusCode(200)
                .body("code", equalTo("SES-0203")).body("error_params", contains("0123456789abcdef0123456789abcdef"));
        // not even a session id: OX shows it as <invalid_sessionid>
        currentUser("nonsense", alice.cookies()).then().statusCode(200)
                .body("code", equalTo("SES-0203")).body("error_params", contains("<invalid_sessionid>"));
    }

    @Test
    void missingSessionParameterIsSes0201() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        browser().cookies(alice.cookies()).queryParam("action", "get").get("/appsuite/api/user")
                .then().statusCode(200).body("code", equalTo("SES-0201")).body("category", equalTo(8));
    }
}
