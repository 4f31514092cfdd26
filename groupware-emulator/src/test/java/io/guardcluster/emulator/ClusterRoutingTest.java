package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.REST_PASSWORD;
import static io.guardcluster.emulator.Emulator.REST_USER;
import static io.guardcluster.emulator.Emulator.browser;
import static io.guardcluster.emulator.Emulator.currentUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.guardcluster.emulator.Emulator.LoggedIn;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Two middleware nodes behind the cookie-routing front: a caller that forwards the JSESSIONID reaches the node that
 * holds its session every time; one that drops it lands on the other node now and then, which re-creates the
 * session there (and counts it).
 */
@QuarkusTest
@TestProfile(ClusterRoutingTest.TwoNodes.class)
class ClusterRoutingTest {

    public static class TwoNodes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.emulator.nodes", "node1,node2");
        }
    }

    @Test
    void loginsWithoutACookieAreSpreadOverTheNodesAndRouteBackToTheirNode() {
        Set<String> routes = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            Response login = Emulator.login("alice", "secret-alice");
            String route = login.getCookie("JSESSIONID").replaceAll("^\\d+\\.", "");
            assertThat(login.getHeader("X-Emulator-Node")).as("the node that served the login").isEqualTo(route);
            routes.add(route);
        }
        assertThat(routes).containsExactlyInAnyOrder("node1", "node2");
    }

    @Test
    void withTheJsessionIdEveryCallReachesTheSessionsNodeAndNoSessionIsRecreated() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        String route = alice.cookies().get("JSESSIONID").replaceAll("^\\d+\\.", "");
        long before = recreated();
        for (int i = 0; i < 50; i++) {
            Response r = currentUser(alice.sessionId(), alice.cookies());
            r.then().statusCode(200).body("data.user_id", equalTo(3));
            assertThat(r.getHeader("X-Emulator-Node")).isEqualTo(route);
        }
        assertThat(recreated() - before).isZero();
    }

    @Test
    void withoutTheJsessionIdTheOtherNodeRecreatesTheSessionOnce() {
        LoggedIn bob = LoggedIn.as("bob", "secret-bob");
        Map<String, String> noRoute = bob.cookiesWithout("JSESSIONID");
        String home = bob.cookies().get("JSESSIONID").replaceAll("^\\d+\\.", "");
        String other = home.equals("node1") ? "node2" : "node1";
        JsonPath before = stats();
        for (int i = 0; i < 10; i++) {
            // Sessions are cluster-wide: every call succeeds, whichever node it reaches.
            currentUser(bob.sessionId(), noRoute).then().statusCode(200).body("data.user_id", equalTo(4));
        }
        JsonPath after = stats();
        assertThat(after.getLong("sessionsRecreated") - before.getLong("sessionsRecreated")).isEqualTo(1);
        assertThat(after.getLong("nodes." + other + ".sessionsRecreated")
                - before.getLong("nodes." + other + ".sessionsRecreated")).isEqualTo(1);
        assertThat(after.getLong("nodes." + home + ".sessionsRecreated")
                - before.getLong("nodes." + home + ".sessionsRecreated")).isZero();
    }

    @Test
    void aNodeCanBeAddressedDirectly() {
        LoggedIn carol = LoggedIn.as("carol", "secret-carol");
        String home = carol.cookies().get("JSESSIONID").replaceAll("^\\d+\\.", "");
        String other = home.equals("node1") ? "node2" : "node1";
        long before = recreated();
        Response r = browser().header("X-Emulator-Node", other).cookies(carol.cookies()).queryParam("action", "get")
                .queryParam("session", carol.sessionId()).get("/appsuite/api/user");
        r.then().statusCode(200).body("data.user_id", equalTo(5));
        assertThat(r.getHeader("X-Emulator-Node")).isEqualTo(other);
        assertThat(recreated() - before).isEqualTo(1);
    }

    @Test
    void logoutOnAnyNodeEndsTheSessionEverywhere() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        currentUser(alice.sessionId(), alice.cookiesWithout("JSESSIONID"));
        currentUser(alice.sessionId(), alice.cookiesWithout("JSESSIONID"));
        browser().cookies(alice.cookies()).queryParam("action", "logout").queryParam("session", alice.sessionId())
                .get("/appsuite/api/login").then().statusCode(200);
        for (String node : new String[] { "node1", "node2" }) {
            browser().header("X-Emulator-Node", node).cookies(alice.cookies()).queryParam("action", "get")
                    .queryParam("session", alice.sessionId()).get("/appsuite/api/user")
                    .then().statusCode(200).body("code", equalTo("SES-0203"));
        }
    }

    @Test
    void notesTheTraceIdOfTracedCalls() {
        LoggedIn carol = LoggedIn.as("carol", "secret-carol");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        browser().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").cookies(carol.cookies())
                .queryParam("action", "get").queryParam("session", carol.sessionId()).get("/appsuite/api/user")
                .then().statusCode(200);
        browser().header("traceparent", "garbage").cookies(carol.cookies())
                .queryParam("action", "get").queryParam("session", carol.sessionId()).get("/appsuite/api/user")
                .then().statusCode(200);
        assertThat(stats().getList("traceIds", String.class)).contains(traceId).doesNotContain("garbage");
    }

    private static long recreated() {
        return stats().getLong("sessionsRecreated");
    }

    private static JsonPath stats() {
        return given().auth().preemptive().basic(REST_USER, REST_PASSWORD).get("/emulator/stats")
                .then().statusCode(200).extract().jsonPath();
    }
}
