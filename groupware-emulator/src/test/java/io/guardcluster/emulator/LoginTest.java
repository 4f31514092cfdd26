package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.browser;
import static io.guardcluster.emulator.Emulator.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Cookie;
import io.restassured.response.Response;

@QuarkusTest
class LoginTest {

    private static final String HEX32 = "[0-9a-f]{32}";

    @Test
    void loginAnswersTheSessionAndSetsTheDocumentedCookies() {
        Response r = login("alice", "secret-alice");

        r.then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("session", matchesPattern(HEX32))
                .body("user", equalTo("alice"))
                .body("user_id", equalTo(3))
                .body("context_id", equalTo(1))
                .body("locale", equalTo("en_US"))
                .body("$", not(hasKey("error")));

        Map<String, String> cookies = r.getCookies();
        assertThat(cookies).hasSize(4);
        assertThat(cookies.get("JSESSIONID")).matches("\\d+\\.node1");
        String secretName = name(cookies, "open-xchange-secret-");
        String sessionName = name(cookies, "open-xchange-session-");
        String publicName = name(cookies, "open-xchange-public-session-");
        // <hash> is Base64(MD5) with non-word characters removed.
        assertThat(secretName).matches("open-xchange-secret-\\w{20,24}");
        assertThat(publicName).matches("open-xchange-public-session-\\w{20,24}");
        // secret and session cookie share the session's hash; the public-session hash differs.
        assertThat(sessionName.substring("open-xchange-session-".length()))
                .isEqualTo(secretName.substring("open-xchange-secret-".length()));
        assertThat(publicName.substring("open-xchange-public-session-".length()))
                .isNotEqualTo(secretName.substring("open-xchange-secret-".length()));
        assertThat(cookies.get(sessionName)).isEqualTo(r.jsonPath().getString("session"));
        assertThat(cookies.get(secretName)).matches(HEX32).isNotEqualTo(cookies.get(sessionName));
        assertThat(cookies.get(publicName)).matches(HEX32);

        for (Cookie c : r.getDetailedCookies()) {
            assertThat(c.isHttpOnly()).as("%s HttpOnly", c.getName()).isTrue();
            assertThat(c.getPath()).as("%s path", c.getName()).isEqualTo("/");
            assertThat(c.hasMaxAge()).as("%s is a browser-session cookie", c.getName()).isFalse();
        }
    }

    @Test
    void everyLoginGetsFreshRandomIdentifiers() {
        Map<String, String> a = login("bob", "secret-bob").getCookies();
        Map<String, String> b = login("bob", "secret-bob").getCookies();
        String secret = name(a, "open-xchange-secret-");
        // same User-Agent and client: same cookie names, different values
        assertThat(name(b, "open-xchange-secret-")).isEqualTo(secret);
        assertThat(b.get(secret)).isNotEqualTo(a.get(secret));
        assertThat(b.get("JSESSIONID")).isNotEqualTo(a.get("JSESSIONID"));
    }

    @Test
    void cookieNamesDependOnUserAgentAndClient() {
        String base = name(login("alice", "secret-alice").getCookies(), "open-xchange-secret-");
        String otherClient = name(browser().contentType(ContentType.URLENC).formParam("name", "alice")
                .formParam("password", "secret-alice").formParam("client", "guard-test-client")
                .post("/appsuite/api/login?action=login").getCookies(), "open-xchange-secret-");
        String otherAgent = name(io.restassured.RestAssured.given().header("User-Agent", "curl/8")
                .contentType(ContentType.URLENC).formParam("name", "alice").formParam("password", "secret-alice")
                .formParam("client", "open-xchange-appsuite")
                .post("/appsuite/api/login?action=login").getCookies(), "open-xchange-secret-");
        assertThat(otherClient).isNotEqualTo(base);
        assertThat(otherAgent).isNotEqualTo(base);
    }

    @Test
    void loginWithThePrimaryAddressWorksToo() {
        login("Carol@Example.com", "secret-carol").then().statusCode(200)
                .body("user_id", equalTo(5)).body("locale", equalTo("de_DE"));
    }

    @Test
    void aJsessionIdRoutedToThisNodeIsKept() {
        Response r = browser().cookie("JSESSIONID", "42.node1").contentType(ContentType.URLENC)
                .formParam("name", "alice").formParam("password", "secret-alice")
                .post("/appsuite/api/login?action=login");
        assertThat(r.getCookie("JSESSIONID")).isEqualTo("42.node1");
        Response foreign = browser().cookie("JSESSIONID", "42.node9").contentType(ContentType.URLENC)
                .formParam("name", "alice").formParam("password", "secret-alice")
                .post("/appsuite/api/login?action=login");
        assertThat(foreign.getCookie("JSESSIONID")).endsWith(".node1").isNotEqualTo("42.node9");
    }

    @Test
    void staySignedInMakesTheCookiesPersistent() {
        Response r = browser().contentType(ContentType.URLENC).formParam("name", "alice")
                .formParam("password", "secret-alice").formParam("staySignedIn", "true")
                .post("/appsuite/api/login?action=login");
        Cookie secret = r.getDetailedCookies().asList().stream()
                .filter(c -> c.getName().startsWith("open-xchange-secret-")).findFirst().orElseThrow();
        assertThat(secret.getMaxAge()).isEqualTo(7L * 24 * 3600);
    }

    @Test
    void wrongPasswordIsTheDocumentedLgi0006ErrorWithHttp200() {
        Response r = login("alice", "wrong");
        r.then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("code", equalTo("LGI-0006"))
                .body("error", equalTo("The user name or password is incorrect."))
                .body("error_desc", equalTo("Invalid credentials."))
                .body("error_params", org.hamcrest.Matchers.empty())
                .body("categories", equalTo("USER_INPUT"))
                .body("category", equalTo(1))
                .body("error_id", matchesPattern("-?\\d+-\\d+"))
                .body("$", not(hasKey("session")));
        assertThat(r.getCookies()).isEmpty();
    }

    @Test
    void unknownUserLooksLikeAWrongPassword() {
        login("mallory", "secret-alice").then().statusCode(200).body("code", equalTo("LGI-0006"));
    }

    @Test
    void missingPasswordIsSvl0002() {
        browser().contentType(ContentType.URLENC).formParam("name", "alice")
                .post("/appsuite/api/login?action=login")
                .then().statusCode(200).body("code", equalTo("SVL-0002")).body("error_params[0]", equalTo("password"));
    }

    @Test
    void passwordInTheUriIsRefused() {
        browser().post("/appsuite/api/login?action=login&name=alice&password=secret-alice")
                .then().statusCode(200).body("code", equalTo("SVL-0030")).body("$", not(hasKey("session")));
    }

    @Test
    void unknownActionIsSvl0001() {
        browser().get("/appsuite/api/login?action=nonsense")
                .then().statusCode(200).body("code", equalTo("SVL-0001")).body("error_params[0]", equalTo("nonsense"));
    }

    @Test
    void theMiddlewaresOwnAjaxPrefixWorksToo() {
        browser().contentType(ContentType.URLENC).formParam("name", "alice").formParam("password", "secret-alice")
                .post("/ajax/login?action=login")
                .then().statusCode(200).body("user_id", equalTo(3));
    }

    private static String name(Map<String, String> cookies, String prefix) {
        return cookies.keySet().stream().filter(k -> k.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + prefix + "* in " + cookies.keySet()));
    }
}
