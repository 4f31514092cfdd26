package io.guardcluster.keyservice.directory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.keyservice.directory.DirectoryFixture.StoredKey;
import io.guardcluster.keyservice.directory.OpenPgpPeers.Result;
import io.guardcluster.keyservice.directory.wkd.WkdHash;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Interoperability with GnuPG 2.2 as a real HKP client (gpg → dirmngr → this service over
 * hkp://127.0.0.1:port) and with gpg-wks-client's WKD hashes. GnuPG's own WKD fetch needs HTTPS on
 * port 443 of the mail domain (or openpgpkey.<domain>) with a publicly trusted certificate, so it
 * cannot reach a test server; instead GnuPG imports exactly the bytes a WKD fetch would get.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectoryGnuPgTest {

    private InternalIdentity alice;
    private StoredKey aliceCurrent;
    private StoredKey aliceRevoked;
    private InternalIdentity bob;
    private StoredKey bobRevokedCurrent;
    private InternalIdentity dana;
    private OpenPgpPeers gpg;

    @BeforeAll
    void keys() {
        alice = DirectoryFixture.user("Alice.GnuPG");
        aliceRevoked = DirectoryFixture.v4Key(alice, false, true, "Alice Old <" + alice.email() + ">");
        aliceCurrent = DirectoryFixture.v4Key(alice, true, false, "Alice GnuPG <" + alice.email() + ">",
                "Alice Elsewhere <alice@elsewhere.example.org>");
        bob = DirectoryFixture.user("bob.gnupg");
        bobRevokedCurrent = DirectoryFixture.v4Key(bob, true, true, "Bob Revoked <" + bob.email() + ">");
        dana = DirectoryFixture.userIn("dana.gnupg", "wkd-gnupg.example.net");
        DirectoryFixture.v4Key(dana, true, false, "Dana <" + dana.email() + ">");
        gpg = OpenPgpPeers.gnupg();
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

    @Test
    void recvKeysByFingerprintImportsTheKey() {
        Result received = gpg.gpg("--keyserver", keyserver(), "--recv-keys", aliceCurrent.fingerprint());
        assertThat(received.exit()).as(received.toString()).isZero();
        assertThat(received.stderr()).contains("imported");

        Result listed = gpg.gpg("--with-colons", "--list-keys", aliceCurrent.fingerprint());
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.stdout()).contains("fpr:::::::::" + aliceCurrent.fingerprint() + ":")
                .contains("fpr:::::::::" + aliceCurrent.subkeyFingerprint() + ":")
                .contains("Alice GnuPG <" + alice.email() + ">");
        // Valid (not revoked, not expired): validity field is neither r nor e.
        assertThat(listed.stdout().lines().filter(l -> l.startsWith("pub:")).findFirst().orElseThrow()).doesNotStartWith("pub:r")
                .doesNotStartWith("pub:e");
    }

    @Test
    void recvKeysOfARevokedKeyImportsTheRevocation() {
        Result received = gpg.gpg("--keyserver", keyserver(), "--recv-keys", "0x" + bobRevokedCurrent.fingerprint());
        assertThat(received.exit()).as(received.toString()).isZero();
        Result listed = gpg.gpg("--with-colons", "--list-keys", bobRevokedCurrent.fingerprint());
        assertThat(listed.stdout().lines().filter(l -> l.startsWith("pub:")).findFirst().orElseThrow())
                .as(listed.toString()).startsWith("pub:r:");
        Result signatures = gpg.gpg("--with-colons", "--list-sigs", bobRevokedCurrent.fingerprint());
        assertThat(signatures.stdout().lines()).as(signatures.toString()).anyMatch(l -> l.startsWith("rev:"));
    }

    @Test
    void recvKeysByLongKeyId() {
        Result received = gpg.gpg("--keyserver", keyserver(), "--recv-keys", aliceRevoked.keyId());
        assertThat(received.exit()).as(received.toString()).isZero();
        Result listed = gpg.gpg("--with-colons", "--list-keys", aliceRevoked.fingerprint());
        assertThat(listed.stdout().lines().filter(l -> l.startsWith("pub:")).findFirst().orElseThrow())
                .as(listed.toString()).startsWith("pub:r:");
    }

    @Test
    void searchKeysByAddressListsTheKeys() {
        for (String search : List.of(alice.email(), "<" + alice.email() + ">")) {
            Result searched = gpg.gpg("--with-colons", "--keyserver", keyserver(), "--search-keys", search);
            assertThat(searched.exit()).as(searched.toString()).isZero();
            List<String> lines = searched.stdout().lines().toList();
            assertThat(lines).as(searched.toString()).contains("info:1:2");
            assertThat(lines).anyMatch(l -> l.startsWith("pub:" + aliceCurrent.fingerprint() + ":22:255:"));
            assertThat(lines).anyMatch(l -> l.startsWith("pub:" + aliceRevoked.fingerprint() + ":22:255:") && l.endsWith(":r"));
            assertThat(lines).anyMatch(l -> l.startsWith("uid:Alice GnuPG <" + alice.email() + ">:"));
        }
    }

    @Test
    void searchKeysForAnUnknownAddressFindsNothing() {
        Result searched = gpg.gpg("--with-colons", "--keyserver", keyserver(), "--search-keys", "nobody.gnupg@example.com");
        assertThat(searched.stdout()).as(searched.toString()).doesNotContain("pub:");
        assertThat(searched.stderr()).containsIgnoringCase("not found");
    }

    @Test
    void wkdHashesAgreeWithGpgWksClient() {
        for (InternalIdentity user : List.of(alice, bob, dana)) {
            for (String address : List.of(user.email(), user.email().toUpperCase())) {
                String hash = OpenPgpPeers.wkdHash(address);
                String local = MailAddress.localPartOf(address);
                assertThat(WkdHash.of(local)).as(address).isEqualTo(hash);
                // The server finds the key under GnuPG's hash (no l= needed).
                given().get("/.well-known/openpgpkey/" + MailAddress.domainOf(address.toLowerCase()) + "/hu/" + hash)
                        .then().statusCode(200);
            }
        }
    }

    @Test
    void gnupgImportsWhatWkdServes() throws Exception {
        String hash = OpenPgpPeers.wkdHash(alice.email());
        byte[] body = given().header("Host", MailAddress.domainOf(alice.email().toLowerCase()))
                .get("/.well-known/openpgpkey/hu/" + hash + "?l=" + MailAddress.localPartOf(alice.email()))
                .then().statusCode(200).extract().asByteArray();
        try (OpenPgpPeers fresh = OpenPgpPeers.gnupg()) {
            Path file = fresh.home().resolve("wkd.key");
            Files.write(file, body);
            Result imported = fresh.gpg("--import", file.toString());
            assertThat(imported.exit()).as(imported.toString()).isZero();
            Result listed = fresh.gpg("--with-colons", "--list-keys");
            List<String> uids = listed.stdout().lines().filter(l -> l.startsWith("uid:")).toList();
            assertThat(uids).as(listed.toString()).hasSize(1);
            assertThat(uids.get(0)).contains("Alice GnuPG <" + alice.email() + ">");
            assertThat(listed.stdout()).contains("fpr:::::::::" + aliceCurrent.fingerprint() + ":");
        }
    }
}
