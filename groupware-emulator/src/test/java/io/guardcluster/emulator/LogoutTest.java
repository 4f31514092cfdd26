package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.browser;
import static io.guardcluster.emulator.Emulator.currentUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.guardcluster.emulator.Emulator.LoggedIn;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class LogoutTest {

    @Test
    void logoutEndsTheSessionAndExpiresItsCookies() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        currentUser(alice.sessionId(), alice.cookies()).then().body("data.user_id", equalTo(3));

        Response logout = browser().cookies(alice.cookies()).queryParam("action", "logout")
                .queryParam("session", alice.sessionId()).get("/appsuite/api/login");
        logout.then().statusCode(200);
        assertThat(logout.asString()).isEmpty();
        List<String> setCookies = logout.getHeaders().getValues("Set-Cookie");
        assertThat(setCookies).hasSize(4).allSatisfy(c -> assertThat(c).contains("Expires=Thu, 01-Jan-1970 00:00:10 GMT"));
        assertThat(setCookies).anySatisfy(c -> assertThat(c).startsWith(alice.cookie("open-xchange-secret-").getKey() + "=invalid;"));
        assertThat(setCookies).anySatisfy(c -> assertThat(c).startsWith(alice.cookie("open-xchange-session-").getKey() + "=invalid;"));
        assertThat(setCookies).anySatisfy(c -> assertThat(c).startsWith(alice.cookie("open-xchange-public-session-").getKey() + "=invalid;"));
        assertThat(setCookies).anySatisfy(c -> assertThat(c).startsWith("JSESSIONID="));

        currentUser(alice.sessionId(), alice.cookies()).then().statusCode(200).body("code", equalTo("SES-0203"));
        // a second logout finds no session
        browser().cookies(alice.cookies()).queryParam("action", "logout").queryParam("session", alice.sessionId())
                .get("/appsuite/api/login").then().statusCode(403);
    }

    @Test
    void logoutWithoutTheSecretIsForbiddenAndKeepsTheSession() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        browser().cookies(alice.cookiesWithout("open-xchange-secret-")).queryParam("action", "logout")
                .queryParam("session", alice.sessionId()).get("/appsuite/api/login").then().statusCode(403);
        currentUser(alice.sessionId(), alice.cookies()).then().body("data.user_id", equalTo(3));
    }

    @Test
    void logoutWithoutSessionParameterIsABadRequest() {
        browser().queryParam("action", "logout").get("/appsuite/api/login").then().statusCode(400);
    }

    @Test
    void logoutByPostWorksToo() {
        LoggedIn bob = LoggedIn.as("bob", "secret-bob");
        browser().cookies(bob.cookies()).post("/appsuite/api/login?action=logout&session=" + bob.sessionId())
                .then().statusCode(200);
        currentUser(bob.sessionId(), bob.cookies()).then().body("code", equalTo("SES-0203"));
    }
}
