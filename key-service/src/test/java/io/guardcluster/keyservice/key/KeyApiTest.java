package io.guardcluster.keyservice.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The key management API: each operation and each way a user can get it wrong. */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class KeyApiTest {

    private static final String PASSWORD = "key-api-password";

    @Test
    void firstKeyIsEd25519AndCurrent() {
        KeyApi api = KeyApi.fresh("first");
        String fingerprint = api.createKey(PASSWORD, "name", "Alice Example");
        api.request().get("/api/keys").then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].fingerprint", is(fingerprint))
                .body("[0].version", is(4))
                .body("[0].algorithm", containsString("Ed25519"))
                .body("[0].current", is(true))
                .body("[0].canEncrypt", is(true))
                .body("[0].userIds", hasItem("Alice Example <" + api.user().email() + ">"))
                .body("[0].revoked", nullValue());
        api.request().get("/api/keys/" + fingerprint + "/public").then().statusCode(200)
                .contentType("application/pgp-keys").body(containsString("BEGIN PGP PUBLIC KEY BLOCK"));
    }

    @Test
    void secondKeyNeedsTheGuardPasswordAndBecomesCurrent() {
        KeyApi api = KeyApi.fresh("second");
        String first = api.createKey(PASSWORD);
        api.post("/api/keys").statusCode(400).body("type", is("urn:guard:problem:unlock-required"));
        api.post("/api/keys", "password", "not-it-at-all").statusCode(403).body("type", is("urn:guard:problem:wrong-password"));
        String second = api.post("/api/keys", "password", PASSWORD, "profile", "rsa2048").statusCode(201)
                .body("algorithm", is("RSA-2048")).body("current", is(true)).extract().path("fingerprint");
        assertThat(second).isNotEqualTo(first);
        api.request().get("/api/keys").then().body("findAll { it.current }.fingerprint", is(List.of(second)));

        // A sender gets the current key to encrypt to; the older one comes along, never to encrypt to, so that a
        // reader can still verify what was signed with it.
        KeyApi.fresh("second.sender").request().queryParam("email", api.user().email())
                .get("/api/keys/internal/recipients").then().statusCode(200)
                .body("keys.fingerprint", contains(second))
                .body("unusable.fingerprint", contains(first)).body("unusable[0].reason", is("superseded"))
                .body("unusable[0].armored", containsString("BEGIN PGP PUBLIC KEY BLOCK"));

        api.request().put("/api/keys/" + first + "/current").then().statusCode(200).body("current", is(true));
        api.request().get("/api/keys").then().body("findAll { it.current }.fingerprint", is(List.of(first)));
        KeyApi.fresh("second.sender").request().queryParam("email", api.user().email())
                .get("/api/keys/internal/recipients").then().statusCode(200)
                .body("keys.fingerprint", contains(first)).body("unusable.fingerprint", contains(second));
    }

    @Test
    void concurrentFirstKeysLeaveOneAccountWithOneKey() {
        KeyApi api = KeyApi.fresh("racing");
        List<java.util.concurrent.CompletableFuture<Integer>> racers = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> api.post("/api/keys", "password", "racing-password-" + i).extract().statusCode()))
                .toList();
        List<Integer> statuses = racers.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        // One creates the account; the others either lose the insert (409) or arrive after it and no
        // longer bring the right password (403, and once the test's limit of 3 is reached, 423).
        // Nothing half-written either way.
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).allMatch(s -> s == 201 || s == 409 || s == 403 || s == 423);
        api.request().get("/api/keys").then().body("", hasSize(1)).body("[0].current", is(true));
    }

    @Test
    void unknownProfileOrFingerprintIsClear() {
        KeyApi api = KeyApi.fresh("unknown");
        api.post("/api/keys", "password", PASSWORD, "profile", "dsa1024").statusCode(400)
                .body("type", is("urn:guard:problem:unknown-profile"));
        api.createKey(PASSWORD);
        api.request().get("/api/keys/0123456789ABCDEF0123456789ABCDEF01234567/public").then().statusCode(404)
                .body("type", is("urn:guard:problem:key-not-found"));
        api.request().get("/api/keys/not-hex/public").then().statusCode(400)
                .body("type", is("urn:guard:problem:invalid-fingerprint"));
    }

    @Test
    void keysOfAnotherUserAreInvisible() {
        KeyApi alice = KeyApi.fresh("owner");
        KeyApi eve = KeyApi.fresh("eve");
        String fingerprint = alice.createKey(PASSWORD);
        eve.createKey("eve-password-123");
        eve.request().get("/api/keys/" + fingerprint + "/public").then().statusCode(404);
        eve.post("/api/keys/" + fingerprint + "/export", "password", "eve-password-123").statusCode(404);
        eve.delete("/api/keys/" + fingerprint, "password", "eve-password-123").statusCode(404);
    }

    @Test
    void exportedPrivateKeyIsAlwaysProtected() {
        KeyApi api = KeyApi.fresh("export");
        String fingerprint = api.createKey(PASSWORD);
        String token = api.post("/api/keys/unlock", "password", PASSWORD).extract().path("unlockToken");
        api.post("/api/keys/" + fingerprint + "/export", "unlockToken", token).statusCode(400)
                .body("type", is("urn:guard:problem:export-password-required"));
        String both = api.post("/api/keys/" + fingerprint + "/export", "password", PASSWORD, "include", "both")
                .statusCode(200).extract().asString();
        assertThat(both).contains("BEGIN PGP PUBLIC KEY BLOCK", "BEGIN PGP PRIVATE KEY BLOCK");
        api.post("/api/keys/" + fingerprint + "/export", "password", PASSWORD, "include", "everything").statusCode(400);
    }

    @Test
    void addUserIdAndRevoke() {
        KeyApi api = KeyApi.fresh("revoke");
        String fingerprint = api.createKey(PASSWORD);
        api.post("/api/keys/" + fingerprint + "/user-ids", "userId", "Work <work@example.net>", "password", PASSWORD)
                .statusCode(200).body("userIds", hasItem("Work <work@example.net>"));
        api.post("/api/keys/" + fingerprint + "/user-ids", "userId", "two\nlines", "password", PASSWORD).statusCode(400)
                .body("type", is("urn:guard:problem:invalid-user-id"));

        api.post("/api/keys/" + fingerprint + "/revoke", "reason", "stolen", "password", PASSWORD).statusCode(400)
                .body("type", is("urn:guard:problem:invalid-reason"));
        api.post("/api/keys/" + fingerprint + "/revoke", "reason", "retired", "description", "new laptop", "password", PASSWORD)
                .statusCode(200).body("revoked", notNullValue()).body("current", is(false));
        api.post("/api/keys/" + fingerprint + "/revoke", "password", PASSWORD).statusCode(409)
                .body("type", is("urn:guard:problem:key-revoked"));
        api.request().put("/api/keys/" + fingerprint + "/current").then().statusCode(409);

        // A sender asking for this user's key learns that it is revoked, not that there is none (which would make
        // the user a guest); the key comes along for checking old signatures.
        KeyApi.fresh("revoke.sender").request().queryParam("email", api.user().email())
                .get("/api/keys/internal/recipients").then().statusCode(200)
                .body("keys", hasSize(0)).body("unusable.fingerprint", contains(fingerprint))
                .body("unusable[0].reason", is("revoked")).body("unusable[0].source", is("GUARD"))
                .body("unusable[0].armored", containsString("BEGIN PGP PUBLIC KEY BLOCK"));
    }

    @Test
    void deleteNeedsThePassword() {
        KeyApi api = KeyApi.fresh("delete");
        String fingerprint = api.createKey(PASSWORD);
        api.delete("/api/keys/" + fingerprint).statusCode(400).body("type", is("urn:guard:problem:unlock-required"));
        api.delete("/api/keys/" + fingerprint, "password", PASSWORD).statusCode(204);
        api.request().get("/api/keys").then().body("", hasSize(0));
    }

    @Test
    void badUploadsAreRefusedAndStoreNothing() {
        KeyApi api = KeyApi.fresh("uploads");
        api.createKey(PASSWORD);
        api.post("/api/keys/import", "key", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot base64 at all!\n-----END PGP PRIVATE KEY BLOCK-----\n",
                "password", PASSWORD).statusCode(400).body("type", is("urn:guard:problem:invalid-key-data"));
        api.post("/api/keys/import", "keyBase64", Base64.getEncoder().encodeToString(new byte[] { 1, 2, 3, 4, 5, 6 }),
                "password", PASSWORD).statusCode(400);
        api.post("/api/keys/import", "keyBase64", "%%%", "password", PASSWORD).statusCode(400)
                .body("type", is("urn:guard:problem:invalid-base64"));
        api.post("/api/keys/import", "password", PASSWORD).statusCode(400).body("type", is("urn:guard:problem:key-required"));
        api.post("/api/keys/import", "keyBase64", Base64.getEncoder().encodeToString(new byte[1_200_000]), "password", PASSWORD)
                .statusCode(413);
        api.request().contentType("application/pgp-keys").body("garbage garbage".getBytes()).post("/api/keys/keyring").then()
                .statusCode(400);
        api.request().contentType(ContentType.JSON).body("{not json").post("/api/keys").then().statusCode(400)
                .contentType("application/problem+json");
        api.request().get("/api/keys").then().body("", hasSize(1));
        api.request().get("/api/keys/keyring").then().body("", hasSize(0));
    }
}
