package io.guardcluster.keyservice.directory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.keyservice.directory.wkd.WkdHash;
import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.keyservice.support.PgpPeers;
import io.guardcluster.testing.Processes.Result;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Interoperability with GnuPG 2.2 as a real HKP client (gpg → dirmngr → this service over
 * hkp://127.0.0.1:port) and with gpg-wks-client's WKD hashes, for keys made the way users make them:
 * through the key API ({@code POST /api/keys}, user IDs added and keys revoked through it too). GnuPG's
 * own WKD fetch needs HTTPS on port 443 of the mail domain (or openpgpkey.<domain>) with a publicly
 * trusted certificate, so it cannot reach a test server; instead GnuPG imports exactly the bytes a WKD
 * fetch would get.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryGnuPgTest {

    private static final String PASSWORD = "directory-gnupg-password";

    /** A key as the API and the directory know it. */
    record ApiKey(String fingerprint, String keyId, String subkeyFingerprint, long created) {
    }

    private KeyApi alice;
    private ApiKey aliceCurrent;
    private ApiKey aliceRevoked;
    private KeyApi bob;
    private ApiKey bobRevoked;
    private KeyApi dana;
    private PgpPeers.Gpg gpg;

    /** Once, before the first test: RestAssured knows the test port only from then on (not yet in @BeforeAll). */
    @BeforeEach
    void keys() {
        if (gpg != null) {
            return;
        }
        alice = KeyApi.fresh("Alice.GnuPG");
        String old = alice.createKey(PASSWORD, "name", "Alice Old");
        String current = alice.post("/api/keys", "password", PASSWORD, "name", "Alice GnuPG").statusCode(201)
                .extract().path("fingerprint");
        alice.post("/api/keys/" + current + "/user-ids", "userId", "Alice Elsewhere <alice@elsewhere.example.org>",
                "password", PASSWORD).statusCode(200);
        alice.post("/api/keys/" + old + "/revoke", "reason", "superseded", "password", PASSWORD).statusCode(200);
        aliceRevoked = apiKey(alice, old);
        aliceCurrent = apiKey(alice, current);

        bob = KeyApi.fresh("bob.gnupg");
        String bobs = bob.createKey(PASSWORD, "name", "Bob Revoked");
        bob.post("/api/keys/" + bobs + "/revoke", "reason", "compromised", "password", PASSWORD).statusCode(200);
        bobRevoked = apiKey(bob, bobs);

        InternalIdentity fresh = TestUsers.fresh("dana.gnupg");
        dana = new KeyApi(new InternalIdentity(fresh.contextId(), fresh.userId(),
                fresh.email().replace("@example.com", "@wkd-gnupg.example.net"), fresh.expiresAt()));
        dana.createKey(PASSWORD, "name", "Dana");
        gpg = new PgpPeers.Gpg();
    }

    /** What the API says about one of the user's keys, and its first subkey from the public key it serves. */
    static ApiKey apiKey(KeyApi api, String fingerprint) {
        String keyId = api.request().get("/api/keys").then().statusCode(200).extract()
                .path("find { it.fingerprint == '" + fingerprint + "' }.keyId");
        byte[] armored = api.request().get("/api/keys/" + fingerprint + "/public").then().statusCode(200).extract()
                .asByteArray();
        PGPPublicKeyRing ring = DirectoryFixture.read(armored).get(0);
        List<PGPPublicKey> keys = new ArrayList<>();
        ring.getPublicKeys().forEachRemaining(keys::add);
        return new ApiKey(fingerprint, keyId, DirectoryFixture.fingerprint(keys.get(1)),
                ring.getPublicKey().getCreationTime().toInstant().getEpochSecond());
    }

    @AfterAll
    void stopGnuPg() {
        if (gpg != null) {
            gpg.close();
        }
    }

    private String keyserver() {
        return "hkp://127.0.0.1:" + RestAssured.port;
    }

    private static String email(KeyApi api) {
        return api.user().email();
    }

    /** A new key's whole life in the directory: generated, published (HKP, WKD), revoked, the revocation published. */
    @Test
    void aKeyMadeThroughTheApiIsPublishedAndSoIsItsRevocation() {
        KeyApi erin = KeyApi.fresh("erin.gnupg");
        String fingerprint = erin.createKey(PASSWORD, "name", "Erin Endtoend");
        byte[] published = erin.request().get("/api/keys/" + fingerprint + "/public").then().statusCode(200).extract()
                .asByteArray();

        // HKP by address: the same key the API serves.
        byte[] hkp = given().queryParam("op", "get").queryParam("options", "mr").queryParam("search", email(erin))
                .get("/pks/lookup").then().statusCode(200).extract().asByteArray();
        List<PGPPublicKeyRing> served = DirectoryFixture.read(hkp);
        assertThat(served).hasSize(1);
        assertThat(DirectoryFixture.fingerprint(served.get(0).getPublicKey())).isEqualTo(fingerprint);
        assertThat(served.get(0).getPublicKey().hasRevocation()).isFalse();
        assertThat(encoded(served.get(0))).isEqualTo(encoded(DirectoryFixture.read(published).get(0)));

        // gpg fetches it from this service as its keyserver.
        try (PgpPeers.Gpg client = new PgpPeers.Gpg()) {
            Result received = client.receiveKeys(keyserver(), fingerprint);
            assertThat(received.exit()).as(received.toString()).isZero();
            assertThat(client.validity(fingerprint)).isNotIn("r", "e", "i");
            assertThat(client.colons(false, fingerprint)).contains("Erin Endtoend <" + email(erin) + ">");

            // WKD, advanced method in the user's domain, under gpg-wks-client's hash.
            String domain = MailAddress.domainOf(email(erin).toLowerCase());
            String wkdPath = "/.well-known/openpgpkey/" + domain + "/hu/" + PgpPeers.wkdHash(email(erin));
            byte[] wkd = given().queryParam("l", MailAddress.localPartOf(email(erin))).get(wkdPath).then().statusCode(200)
                    .extract().asByteArray();
            assertThat(DirectoryFixture.fingerprint(DirectoryFixture.read(wkd).get(0).getPublicKey())).isEqualTo(fingerprint);

            erin.post("/api/keys/" + fingerprint + "/revoke", "reason", "compromised", "password", PASSWORD).statusCode(200);

            // HKP now serves the key with its revocation, by address and by fingerprint; gpg's refresh learns it.
            List<PGPPublicKeyRing> revoked = DirectoryFixture.read(given().queryParam("op", "get")
                    .queryParam("search", email(erin)).get("/pks/lookup").then().statusCode(200).extract().asByteArray());
            assertThat(revoked).hasSize(1);
            assertThat(revoked.get(0).getPublicKey().hasRevocation()).isTrue();
            assertThat(DirectoryFixture.read(given().queryParam("op", "get").queryParam("search", "0x" + fingerprint)
                    .get("/pks/lookup").then().statusCode(200).extract().asByteArray()).get(0).getPublicKey().hasRevocation())
                    .isTrue();
            Result refreshed = client.receiveKeys(keyserver(), fingerprint);
            assertThat(refreshed.exit()).as(refreshed.toString()).isZero();
            assertThat(client.validity(fingerprint)).isEqualTo("r");

            // WKD spreads the revocation too: with no current key left, it serves the revoked one.
            byte[] afterRevocation = given().get(wkdPath).then().statusCode(200).extract().asByteArray();
            assertThat(DirectoryFixture.read(afterRevocation).get(0).getPublicKey().hasRevocation()).isTrue();
        }
    }

    private static byte[] encoded(PGPPublicKeyRing ring) {
        try {
            return ring.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void recvKeysByFingerprintImportsTheKey() {
        Result received = gpg.receiveKeys(keyserver(), aliceCurrent.fingerprint());
        assertThat(received.exit()).as(received.toString()).isZero();
        assertThat(received.stderr()).contains("imported");

        Result listed = gpg.gpg(null, "--with-colons", "--list-keys", aliceCurrent.fingerprint());
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.out()).contains("fpr:::::::::" + aliceCurrent.fingerprint() + ":")
                .contains("fpr:::::::::" + aliceCurrent.subkeyFingerprint() + ":")
                .contains("Alice GnuPG <" + email(alice) + ">")
                .contains("Alice Elsewhere <alice@elsewhere.example.org>");
        // Valid (not revoked, not expired): validity field is neither r nor e.
        assertThat(gpg.validity(aliceCurrent.fingerprint())).isNotIn("r", "e", "i");
    }

    @Test
    void recvKeysOfARevokedKeyImportsTheRevocation() {
        Result received = gpg.receiveKeys(keyserver(), "0x" + bobRevoked.fingerprint());
        assertThat(received.exit()).as(received.toString()).isZero();
        assertThat(gpg.validity(bobRevoked.fingerprint())).isEqualTo("r");
        Result signatures = gpg.gpg(null, "--with-colons", "--list-sigs", bobRevoked.fingerprint());
        assertThat(signatures.out().lines()).as(signatures.toString()).anyMatch(l -> l.startsWith("rev:"));
    }

    @Test
    void recvKeysByLongKeyId() {
        Result received = gpg.receiveKeys(keyserver(), aliceRevoked.keyId());
        assertThat(received.exit()).as(received.toString()).isZero();
        assertThat(gpg.validity(aliceRevoked.fingerprint())).isEqualTo("r");
    }

    @Test
    void searchKeysByAddressListsTheKeys() {
        for (String search : List.of(email(alice), "<" + email(alice) + ">")) {
            Result searched = gpg.withKeyserver(keyserver(), "--with-colons", "--search-keys", search);
            assertThat(searched.exit()).as(searched.toString()).isZero();
            List<String> lines = searched.out().lines().toList();
            assertThat(lines).as(searched.toString()).contains("info:1:2");
            assertThat(lines).contains("pub:" + aliceCurrent.fingerprint() + ":22:255:" + aliceCurrent.created() + "::");
            assertThat(lines).contains("pub:" + aliceRevoked.fingerprint() + ":22:255:" + aliceRevoked.created() + "::r");
            assertThat(lines).anyMatch(l -> l.startsWith("uid:Alice GnuPG <" + email(alice) + ">:"));
        }
    }

    @Test
    void searchKeysForAnUnknownAddressFindsNothing() {
        Result searched = gpg.withKeyserver(keyserver(), "--with-colons", "--search-keys", "nobody.gnupg@example.com");
        assertThat(searched.out()).as(searched.toString()).doesNotContain("pub:");
        assertThat(searched.stderr()).containsIgnoringCase("not found");
    }

    @Test
    void wkdHashesAgreeWithGpgWksClient() {
        // Bob's only key is revoked, so he has no current key for WKD to serve.
        for (KeyApi user : List.of(alice, dana)) {
            for (String address : List.of(email(user), email(user).toUpperCase())) {
                String hash = PgpPeers.wkdHash(address);
                String local = MailAddress.localPartOf(address);
                assertThat(WkdHash.of(local)).as(address).isEqualTo(hash);
                // The server finds the key under GnuPG's hash (no l= needed).
                given().get("/.well-known/openpgpkey/" + MailAddress.domainOf(address.toLowerCase()) + "/hu/" + hash)
                        .then().statusCode(200);
            }
        }
        assertThat(WkdHash.of(MailAddress.localPartOf(email(bob)))).isEqualTo(PgpPeers.wkdHash(email(bob)));
    }

    @Test
    void gnupgImportsWhatWkdServes() {
        String hash = PgpPeers.wkdHash(email(alice));
        byte[] body = given().header("Host", MailAddress.domainOf(email(alice).toLowerCase()))
                .get("/.well-known/openpgpkey/hu/" + hash + "?l=" + MailAddress.localPartOf(email(alice)))
                .then().statusCode(200).extract().asByteArray();
        try (PgpPeers.Gpg fresh = new PgpPeers.Gpg()) {
            fresh.importKey(body);
            String listed = fresh.colons(false, aliceCurrent.fingerprint());
            List<String> uids = listed.lines().filter(l -> l.startsWith("uid:")).toList();
            // Only the user ID with the address asked for: not the other address of the same key.
            assertThat(uids).as(listed).hasSize(1);
            assertThat(uids.get(0)).contains("Alice GnuPG <" + email(alice) + ">");
            assertThat(listed).contains("fpr:::::::::" + aliceCurrent.fingerprint() + ":");
            assertThat(new String(body, StandardCharsets.ISO_8859_1)).doesNotContain("elsewhere.example.org");
        }
    }
}
