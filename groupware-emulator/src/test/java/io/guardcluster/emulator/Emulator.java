package io.guardcluster.emulator;

import static io.restassured.RestAssured.given;

import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Test helpers: talk to the emulator like a browser (or a back-end forwarding the browser's cookies) would. */
final class Emulator {

    static final String UA = "Mozilla/5.0 (X11; Linux x86_64) GuardTest/1.0";
    static final String REST_USER = "guard";
    static final String REST_PASSWORD = "guard-rest-secret";

    private Emulator() {
    }

    /** A request with the test browser's User-Agent. */
    static RequestSpecification browser() {
        return given().header("User-Agent", UA);
    }

    static Response login(String name, String password) {
        return browser()
                .contentType(ContentType.URLENC)
                .formParam("name", name)
                .formParam("password", password)
                .formParam("client", "open-xchange-appsuite")
                .post("/appsuite/api/login?action=login");
    }

    /** A logged-in session: its id and the cookies the login set. */
    record LoggedIn(String sessionId, Map<String, String> cookies) {

        static LoggedIn as(String name, String password) {
            Response r = login(name, password);
            r.then().statusCode(200);
            return new LoggedIn(r.jsonPath().getString("session"), r.getCookies());
        }

        /** The cookie whose name starts with {@code prefix}. */
        Map.Entry<String, String> cookie(String prefix) {
            return cookies.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).findFirst().orElseThrow();
        }

        /** The cookies without those starting with {@code prefix}. */
        Map<String, String> cookiesWithout(String prefix) {
            Map<String, String> copy = new java.util.HashMap<>(cookies);
            copy.keySet().removeIf(k -> k.startsWith(prefix));
            return copy;
        }
    }

    /** {@code PUT /mail?action=new}: sends {@code mime} as the logged-in user. */
    static Response send(LoggedIn user, byte[] mime) {
        return browser().cookies(user.cookies()).queryParam("action", "new").queryParam("session", user.sessionId())
                .contentType("text/plain").body(mime).put("/appsuite/api/mail");
    }

    /** {@code GET /mail?action=get&src=1&save=1}: the raw source. */
    static Response source(LoggedIn user, String folder, String id) {
        return browser().cookies(user.cookies()).queryParam("action", "get").queryParam("session", user.sessionId())
                .queryParam("folder", folder).queryParam("id", id).queryParam("src", "1").queryParam("save", "1")
                .get("/appsuite/api/mail");
    }

    /** {@code GET /mail?action=all&columns=...}. */
    static Response all(LoggedIn user, String folder, String columns) {
        return browser().cookies(user.cookies()).queryParam("action", "all").queryParam("session", user.sessionId())
                .queryParam("folder", folder).queryParam("columns", columns).get("/appsuite/api/mail");
    }

    /** EMULATOR-ONLY: delivers {@code mime} into a user's folder as a test MTA. */
    static Response drop(String email, String folder, byte[] mime) {
        return given().auth().preemptive().basic(REST_USER, REST_PASSWORD).contentType("message/rfc822").body(mime)
                .post("/emulator/mailboxes/" + email + "/" + folder);
    }

    static Response currentUser(String sessionId, Map<String, String> cookies) {
        return browser().cookies(cookies).queryParam("action", "get").queryParam("session", sessionId)
                .get("/appsuite/api/user");
    }
}
