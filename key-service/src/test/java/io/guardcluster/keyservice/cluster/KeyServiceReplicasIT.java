package io.guardcluster.keyservice.cluster;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.guardcluster.cli.stack.Ports;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.testing.ServiceProcess;
import io.guardcluster.testing.TestCluster;
import io.guardcluster.testing.TestUsers;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Two packaged key-service replicas on the same database and Infinispan: whatever one replica
 * decides about a user's unlock state, the other honours. Unlock tokens work on every replica, wrong
 * passwords count cluster-wide, and logout on one revokes the tokens on both.
 */
class KeyServiceReplicasIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final String PASSWORD = "replicated-password";
    private static ServiceProcess first;
    private static ServiceProcess second;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "replicas-it"));
        first = start(logs.resolve("replica-1.log"));
        second = start(logs.resolve("replica-2.log"));
        first.awaitReady(START);
        second.awaitReady(START);
    }

    @AfterAll
    static void stop() throws Exception {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private static ServiceProcess start(Path log) throws Exception {
        Map<String, String> config = new HashMap<>(TestCluster.get().databaseConfig());
        config.putAll(TestCluster.get().infinispanConfig());
        config.put("guard.unlock.max-failures", "3");
        config.put("guard.key-cache.enabled", "false");
        return ServiceProcess.start(Path.of("").toAbsolutePath(), Ports.freePort(), TestCluster.asEnvironment(config), log);
    }

    private static ValidatableResponse post(ServiceProcess replica, InternalIdentity user, String path, String json) {
        return given().baseUri(replica.url()).filter(TestUsers.as(user)).contentType(ContentType.JSON).body(json).post(path)
                .then();
    }

    @Test
    void aTokenFromOneReplicaUnlocksOnTheOther() {
        InternalIdentity user = TestUsers.fresh("replicated");
        String fingerprint = post(first, user, "/api/keys", "{\"password\":\"" + PASSWORD + "\"}").statusCode(201)
                .extract().path("fingerprint");
        String token = post(first, user, "/api/keys/unlock", "{\"password\":\"" + PASSWORD + "\"}").statusCode(200)
                .extract().path("unlockToken");

        post(second, user, "/api/keys/" + fingerprint + "/export",
                "{\"unlockToken\":\"" + token + "\",\"exportPassword\":\"export-password\"}").statusCode(200);

        given().baseUri(second.url()).filter(TestUsers.as(user)).delete("/api/keys/unlock").then().statusCode(204);
        post(first, user, "/api/keys/" + fingerprint + "/export",
                "{\"unlockToken\":\"" + token + "\",\"exportPassword\":\"export-password\"}").statusCode(403)
                .body("type", is("urn:guard:problem:unlock-token-invalid"));
    }

    @Test
    void wrongPasswordsCountAcrossReplicas() {
        InternalIdentity user = TestUsers.fresh("guessed");
        post(second, user, "/api/keys", "{\"password\":\"" + PASSWORD + "\"}").statusCode(201);
        post(first, user, "/api/keys/unlock", "{\"password\":\"guess-one\"}").statusCode(403);
        post(second, user, "/api/keys/unlock", "{\"password\":\"guess-two\"}").statusCode(403);
        post(first, user, "/api/keys/unlock", "{\"password\":\"guess-three\"}").statusCode(423);
        // Locked on both, for the right password too.
        post(second, user, "/api/keys/unlock", "{\"password\":\"" + PASSWORD + "\"}").statusCode(423);
        post(first, user, "/api/keys/unlock", "{\"password\":\"" + PASSWORD + "\"}").statusCode(423);
    }

    @Test
    void aResetOnOneReplicaIsSeenByTheOther() {
        InternalIdentity user = TestUsers.fresh("changed");
        post(first, user, "/api/keys", "{\"password\":\"" + PASSWORD + "\"}").statusCode(201);
        given().baseUri(second.url()).filter(TestUsers.as(user)).contentType(ContentType.JSON)
                .body("{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"changed-on-two\"}").put("/api/keys/password")
                .then().statusCode(204);
        post(first, user, "/api/keys/unlock", "{\"password\":\"changed-on-two\"}").statusCode(200);
        assertThat(first.isAlive() && second.isAlive()).isTrue();
    }
}
