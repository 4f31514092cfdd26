package io.guardcluster.filestore.file;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.filestore.storage.ObjectStore;
import io.guardcluster.filestore.storage.ObjectWriter;
import io.guardcluster.testing.ServiceProcess;
import io.guardcluster.testing.TestCluster;
import io.guardcluster.testing.TestUsers;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The file API's behaviour, run once per storage backend (NAS directory, S3 through S3Proxy) by its subclasses,
 * against a real key-service process (keys, session keys) and gpg for the raw form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FileApiContract {

    static final String ALICE_PASSWORD = "alice's Guard password";
    static final String BOB_PASSWORD = "bob's Guard password";

    @Inject
    ObjectStore store;

    @Inject
    io.guardcluster.filestore.file.repository.FileRepository files;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @Inject
    PendingUploadCleanup cleanup;

    @TestHTTPResource("/")
    URI self;

    InternalIdentity alice;
    InternalIdentity bob;
    InternalIdentity eve;
    String aliceToken;
    String bobToken;

    @BeforeAll
    void users() {
        alice = TestUsers.fresh("alice");
        bob = TestUsers.fresh("bob");
        eve = TestUsers.fresh("eve");
        aliceToken = keyFor(alice, ALICE_PASSWORD);
        bobToken = keyFor(bob, BOB_PASSWORD);
    }

    /** Gives {@code user} a key (Ed25519, the default) in key-service and returns an unlock token. */
    static String keyFor(InternalIdentity user, String password) {
        ServiceProcess keys = TestCluster.get().keyService();
        given().baseUri(keys.url()).filter(TestUsers.as(user)).contentType(ContentType.JSON)
                .body(Map.of("password", password)).post("/api/keys").then().statusCode(201);
        return given().baseUri(keys.url()).filter(TestUsers.as(user)).contentType(ContentType.JSON)
                .body(Map.of("password", password)).post("/api/keys/unlock").then().statusCode(200)
                .extract().path("unlockToken");
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    Response upload(InternalIdentity user, String name, byte[] content, String... recipients) {
        var request = given().filter(TestUsers.as(user)).contentType("application/octet-stream").body(content)
                .queryParam("name", name);
        if (recipients.length > 0) {
            request.queryParam("recipient", (Object[]) recipients);
        }
        return request.post("/api/files");
    }

    String uploaded(InternalIdentity user, String name, byte[] content, String... recipients) {
        return upload(user, name, content, recipients).then().statusCode(201).extract().path("id");
    }

    byte[] content(InternalIdentity user, String id, String token) {
        return given().filter(TestUsers.as(user)).header("X-Guard-Unlock-Token", token)
                .get("/api/files/" + id + "/content").then().statusCode(200).extract().asByteArray();
    }

    @Test
    void anUploadIsStoredEncryptedAndReadBackByItsOwner() {
        byte[] data = random(3 * 1024 * 1024 + 17, 1);
        Response created = upload(alice, "report.bin", data);
        created.then().statusCode(201)
                .body("name", equalTo("report.bin"))
                .body("size", equalTo(data.length))
                .body("form", equalTo("encrypted"))
                .body("mine", equalTo(true))
                .body("recipients.email", equalTo(List.of(alice.email())));
        String id = created.path("id");

        assertThat(content(alice, id, aliceToken)).isEqualTo(data);
        // The password works as well as a token.
        byte[] again = given().filter(TestUsers.as(alice)).header("X-Guard-Password", ALICE_PASSWORD)
                .get("/api/files/" + id + "/content").then().statusCode(200)
                .header("Content-Disposition", startsWith("attachment; filename*=UTF-8''report.bin"))
                .extract().asByteArray();
        assertThat(again).isEqualTo(data);
        given().filter(TestUsers.as(alice)).get("/api/files").then().statusCode(200).body("id", hasItem(id));

        // What is stored is ciphertext: the plaintext is nowhere in it.
        byte[] stored = readStored(id);
        assertThat(stored.length).isGreaterThan(data.length);
        assertThat(indexOf(stored, java.util.Arrays.copyOfRange(data, 1000, 1064))).isNegative();
    }

    @Test
    void toAnyoneElseAFileDoesNotExist() {
        String id = uploaded(alice, "secret.txt", "for alice only".getBytes(StandardCharsets.UTF_8));
        for (String path : List.of("", "/content", "/raw")) {
            given().filter(TestUsers.as(eve)).get("/api/files/" + id + path).then().statusCode(404)
                    .contentType("application/problem+json").body("type", equalTo("urn:guard:problem:file-not-found"));
        }
        given().filter(TestUsers.as(eve)).delete("/api/files/" + id).then().statusCode(404);
        given().filter(TestUsers.as(eve)).get("/api/files").then().statusCode(200).body("id", not(hasItem(id)));
        // Unknown and malformed ids look the same.
        given().filter(TestUsers.as(alice)).get("/api/files/0123456789abcdefghjkmnpqrs").then().statusCode(404);
        given().filter(TestUsers.as(alice)).get("/api/files/..%2F..%2Fetc").then().statusCode(404);
        // And without the gateway's identity there is nobody to show it to.
        given().get("/api/files/" + id).then().statusCode(401);
    }

    @Test
    void sharingAddsASessionKeyPacketAndRemovingItTakesAccessAway() {
        byte[] data = random(200_000, 2);
        String id = uploaded(alice, "shared.bin", data);
        byte[] before = readStored(id);

        given().filter(TestUsers.as(alice)).contentType(ContentType.JSON)
                .body(Map.of("email", bob.email(), "unlockToken", aliceToken))
                .post("/api/files/" + id + "/recipients").then().statusCode(200)
                .body("recipients.email", hasItem(bob.email()));
        // The body was not re-encrypted.
        assertThat(readStored(id)).isEqualTo(before);
        given().filter(TestUsers.as(bob)).get("/api/files").then().body("find { it.id == '" + id + "' }.mine", equalTo(false));
        assertThat(content(bob, id, bobToken)).isEqualTo(data);
        // A recipient may read, not change who else can.
        given().filter(TestUsers.as(bob)).delete("/api/files/" + id + "/recipients/" + alice.email()).then().statusCode(403);
        given().filter(TestUsers.as(bob)).delete("/api/files/" + id).then().statusCode(403);

        given().filter(TestUsers.as(alice)).delete("/api/files/" + id + "/recipients/" + bob.email()).then().statusCode(200)
                .body("recipients.email", not(hasItem(bob.email())));
        given().filter(TestUsers.as(bob)).header("X-Guard-Unlock-Token", bobToken)
                .get("/api/files/" + id + "/content").then().statusCode(404);
        given().filter(TestUsers.as(alice)).delete("/api/files/" + id + "/recipients/" + alice.email()).then().statusCode(409);
    }

    @Test
    void anUploadWithExtraRecipientsIsReadableByThem() {
        byte[] data = random(1000, 3);
        String id = uploaded(alice, "for-both.bin", data, bob.email());
        assertThat(content(bob, id, bobToken)).isEqualTo(data);
        // An address without any key is refused before anything is stored.
        upload(alice, "x.bin", data, "nobody-has-a-key@example.invalid").then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("urn:guard:problem:recipient-without-key"));
    }

    @Test
    void sharingWithAnExternalKeyLetsItsOwnerDecryptTheRawForm() throws Exception {
        byte[] data = random(300_000, 13);
        String id = uploaded(alice, "for-an-outsider.bin", data);
        String outsider = "outsider." + alice.userId() + "@example.org";
        try (Gpg theirs = Gpg.fresh()) {
            String theirKey = theirs.generate(outsider);
            // Alice has their public key in her keyring (key-service finds it there for her).
            given().baseUri(TestCluster.get().keyService().url()).filter(TestUsers.as(alice)).contentType("application/pgp-keys")
                    .body(theirKey.getBytes(StandardCharsets.US_ASCII)).post("/api/keys/keyring").then().statusCode(200);
            given().filter(TestUsers.as(alice)).contentType(ContentType.JSON)
                    .body(Map.of("email", outsider, "password", ALICE_PASSWORD))
                    .post("/api/files/" + id + "/recipients").then().statusCode(200)
                    .body("recipients.email", hasItem(outsider));
            byte[] raw = given().filter(TestUsers.as(alice)).get("/api/files/" + id + "/raw").then().statusCode(200)
                    .extract().asByteArray();
            assertThat(theirs.decrypt(raw)).isEqualTo(data);
        }
    }

    @Test
    void theRawFormIsAStandardMessageGpgDecryptsWithTheExportedKey() throws Exception {
        byte[] data = random(500_000, 4);
        String id = uploaded(alice, "for-gpg.bin", data);
        byte[] raw = given().filter(TestUsers.as(alice)).get("/api/files/" + id + "/raw").then().statusCode(200)
                .contentType("application/pgp-encrypted").extract().asByteArray();
        try (Gpg gpg = Gpg.withSecretKey(exportedKey(alice, ALICE_PASSWORD), "export pass")) {
            assertThat(gpg.decrypt(raw, "export pass")).isEqualTo(data);
            String armored = given().filter(TestUsers.as(alice)).queryParam("armor", true).get("/api/files/" + id + "/raw")
                    .then().statusCode(200).extract().asString();
            assertThat(armored).startsWith("-----BEGIN PGP MESSAGE-----");
            assertThat(gpg.decrypt(armored.getBytes(StandardCharsets.US_ASCII), "export pass")).isEqualTo(data);
        }
    }

    @Test
    void anAlreadyEncryptedUploadIsStoredAsItIs() throws Exception {
        byte[] data = random(100_000, 5);
        String publicKey = given().baseUri(TestCluster.get().keyService().url()).filter(TestUsers.as(alice))
                .get("/api/keys").then().statusCode(200).extract().path("[0].fingerprint");
        String armoredKey = given().baseUri(TestCluster.get().keyService().url()).filter(TestUsers.as(alice))
                .get("/api/keys/" + publicKey + "/public").then().statusCode(200).extract().asString();
        byte[] message = Gpg.encryptTo(armoredKey, data);

        Response created = upload(alice, "from-gpg.bin.gpg", message);
        created.then().statusCode(201).body("form", equalTo("as-is"));
        String id = created.path("id");
        byte[] raw = given().filter(TestUsers.as(alice)).get("/api/files/" + id + "/raw").then().statusCode(200)
                .extract().asByteArray();
        assertThat(raw).isEqualTo(message);
        assertThat(content(alice, id, aliceToken)).isEqualTo(data);
        // Something named .pgp that is not an encrypted message is refused, and nothing is kept.
        upload(alice, "fake.pgp", "just text".getBytes(StandardCharsets.UTF_8)).then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("urn:guard:problem:not-an-encrypted-message"));
        // An as-is file cannot be shared: Guard did not make its session-key packets.
        given().filter(TestUsers.as(alice)).contentType(ContentType.JSON)
                .body(Map.of("email", bob.email(), "unlockToken", aliceToken))
                .post("/api/files/" + id + "/recipients").then().statusCode(409);
    }

    @Test
    void aTamperedFileNeverDownloadsAsComplete() throws Exception {
        byte[] data = random(1024 * 1024, 6);
        String id = uploaded(alice, "tamper.bin", data);
        byte[] stored = readStored(id);
        stored[stored.length / 2] ^= 0x01;
        replaceStored(id, stored);

        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(self.resolve("/api/files/" + id + "/content"))
                .header("X-Guard-Unlock-Token", aliceToken)
                .header(io.guardcluster.common.identity.InternalIdentityCodec.HEADER, identityFor(alice, "GET", "/api/files/" + id + "/content"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        // Either refused outright or cut off: never the whole length announced, never a clean end.
        if (response.statusCode() == 200) {
            assertThatThrownBy(() -> {
                try (InputStream in = response.body()) {
                    in.readAllBytes();
                }
            }).isInstanceOf(IOException.class);
        } else {
            assertThat(response.statusCode()).isEqualTo(422);
        }
        // A decrypted copy of it is refused and leaves nothing behind.
        int before = given().filter(TestUsers.as(alice)).get("/api/files").then().extract().path("size()");
        given().filter(TestUsers.as(alice)).contentType(ContentType.JSON).body(Map.of("unlockToken", aliceToken))
                .post("/api/files/" + id + "/decrypted-copy").then().statusCode(422)
                .body("type", equalTo("urn:guard:problem:cannot-decrypt"));
        given().filter(TestUsers.as(alice)).get("/api/files").then().body("size()", equalTo(before));
    }

    @Test
    void aWrongPasswordIsKeyServicesAnswerAndNothingLeaks() {
        String id = uploaded(alice, "locked.bin", random(1000, 7));
        given().filter(TestUsers.as(alice)).header("X-Guard-Password", "not the password")
                .get("/api/files/" + id + "/content").then().statusCode(403)
                .contentType("application/problem+json");
        given().filter(TestUsers.as(alice)).get("/api/files/" + id + "/content").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void removingEncryptionStoresADecryptedCopy() {
        byte[] data = random(70_000, 8);
        String id = uploaded(alice, "plain-me.bin", data);
        String copy = given().filter(TestUsers.as(alice)).contentType(ContentType.JSON).body(Map.of("unlockToken", aliceToken))
                .post("/api/files/" + id + "/decrypted-copy").then().statusCode(201)
                .body("form", equalTo("plain")).body("size", equalTo(data.length)).body("recipients", hasSize(0))
                .extract().path("id");
        assertThat(given().filter(TestUsers.as(alice)).get("/api/files/" + copy + "/content").then().statusCode(200)
                .extract().asByteArray()).isEqualTo(data);
        assertThat(readStored(copy)).isEqualTo(data);
    }

    @Test
    void deletingRemovesRowAndObject() {
        String id = uploaded(alice, "gone.bin", random(5000, 9));
        given().filter(TestUsers.as(alice)).delete("/api/files/" + id).then().statusCode(204);
        given().filter(TestUsers.as(alice)).get("/api/files/" + id).then().statusCode(404);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThatThrownBy(() -> store.size(id)).isInstanceOf(io.guardcluster.filestore.storage.ObjectNotFoundException.class));
    }

    @Test
    void badUploadsGetAClearAnswerAndLeaveNothing() {
        int before = given().filter(TestUsers.as(alice)).get("/api/files").then().extract().path("size()");
        given().filter(TestUsers.as(alice)).contentType("application/octet-stream").body(new byte[10])
                .post("/api/files").then().statusCode(400).body("type", equalTo("urn:guard:problem:name-required"));
        upload(alice, "bad\u0001name", new byte[10]).then().statusCode(400).body("type", equalTo("urn:guard:problem:invalid-name"));
        // Over the limit (guard.files.max-size=4M in the tests): refused, nothing stored.
        upload(alice, "big.bin", new byte[4 * 1024 * 1024 + 1]).then().statusCode(413)
                .contentType("application/problem+json").body("type", equalTo("urn:guard:problem:file-too-large"));
        given().filter(TestUsers.as(alice)).get("/api/files").then().body("size()", equalTo(before));
        // A user without a key cannot store encrypted files yet.
        upload(eve, "x.bin", new byte[10]).then().statusCode(409).body("type", equalTo("urn:guard:problem:no-key"));
    }

    @Test
    void noSecretOrPlaintextReachesLogsMetricsHealthOrErrorAnswers() throws Exception {
        InternalIdentity carol = TestUsers.fresh("carol");
        String password = "carol-password-" + java.util.UUID.randomUUID();
        String mistyped = "mistyped-" + java.util.UUID.randomUUID();
        String token = keyFor(carol, password);
        String marker = "PLAINTEXT-MARKER-" + java.util.UUID.randomUUID();
        byte[] data = (marker + " the content of a confidential file " + marker).getBytes(StandardCharsets.UTF_8);
        Map<String, String> problems = new java.util.LinkedHashMap<>();

        String id = uploaded(carol, "confidential.txt", data);
        assertThat(new String(content(carol, id, token), StandardCharsets.UTF_8)).contains(marker);
        problems.put("wrong password", given().filter(TestUsers.as(carol)).header("X-Guard-Password", mistyped)
                .get("/api/files/" + id + "/content").then().statusCode(403).extract().asString());
        problems.put("share with a wrong password", given().filter(TestUsers.as(carol)).contentType(ContentType.JSON)
                .body(Map.of("email", bob.email(), "password", mistyped)).post("/api/files/" + id + "/recipients")
                .then().statusCode(403).extract().asString());
        problems.put("malformed share", given().filter(TestUsers.as(carol)).contentType(ContentType.JSON)
                .body("{\"email\": \"" + bob.email() + "\", \"password\": \"" + password + "\", ")
                .post("/api/files/" + id + "/recipients").then().statusCode(400).extract().asString());
        problems.put("copy with a wrong token", given().filter(TestUsers.as(carol)).contentType(ContentType.JSON)
                .body(Map.of("unlockToken", token + "x")).post("/api/files/" + id + "/decrypted-copy")
                .then().statusCode(403).extract().asString());
        given().filter(TestUsers.as(carol)).contentType(ContentType.JSON).body(Map.of("email", bob.email(), "unlockToken", token))
                .post("/api/files/" + id + "/recipients").then().statusCode(200);

        io.guardcluster.testing.SecretScanner scanner = io.guardcluster.testing.SecretScanner
                .forFile(TestCluster.get().masterKeyFile()).alsoForbidding(password, mistyped, token, marker);
        for (Map.Entry<String, String> problem : problems.entrySet()) {
            assertThat(problem.getValue()).as(problem.getKey()).contains("\"type\":\"urn:guard:problem:");
            scanner.assertClean("the answer to: " + problem.getKey(), problem.getValue());
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        scanner.assertClean("/q/metrics", metrics);
        // ...while what happened is measured: encryption on the way in, decryption on the way out, and the bytes.
        assertThat(metrics).contains("guard_files_upload_seconds_count", "guard_files_download_seconds_count",
                "guard_files_bytes_total{backend=");
        scanner.assertClean("/q/health", given().get("/q/health").asString());
        java.nio.file.Path log = java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.log.file.path", String.class));
        scanner.assertClean("the service log " + log, java.nio.file.Files.readString(log));
        // key-service never sees file content at all.
        scanner.assertClean("key-service's log", TestCluster.get().keyService().output());
    }

    @Test
    void aClientThatGoesAwayMidUploadLeavesNothing() throws Exception {
        int before = given().filter(TestUsers.as(alice)).get("/api/files").then().extract().path("size()");
        String path = "/api/files?name=half.bin";
        try (java.net.Socket socket = new java.net.Socket(self.getHost(), self.getPort())) {
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + self.getHost() + ":" + self.getPort() + "\r\n"
                    + io.guardcluster.common.identity.InternalIdentityCodec.HEADER + ": "
                    + identityFor(alice, "POST", path) + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 3000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(random(1_000_000, 10));
            out.flush();
            // The upload is under way: its row is pending, its object half written.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(pendingRows()).isEqualTo(1));
        }
        // Nothing visible, and no pending row stays behind either (the service removed it when the body broke off).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(pendingRows()).isZero());
        given().filter(TestUsers.as(alice)).get("/api/files").then().body("size()", equalTo(before));
    }

    @Test
    void theCleanupRemovesUploadsThatNeverFinished() throws Exception {
        // What a replica that crashed mid-upload leaves: a pending row, and an object (or part of one).
        String location = FileIds.random();
        long row = files.insertPending(location, alice.contextId(), alice.userId(), "crashed.bin", "application/octet-stream",
                StoredFile.Form.ENCRYPTED, location).await().indefinitely();
        try (ObjectWriter writer = store.create(location)) {
            writer.write(random(1000, 11));
            writer.commit();
        }
        pool.preparedQuery("UPDATE guard_file SET created_at = NOW(3) - INTERVAL 7 HOUR WHERE id = ?")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(row)).await().indefinitely();
        String young = uploaded(alice, "young.bin", random(1000, 12));

        cleanup.run(); // (the scheduled run may have been first: either way the row must be gone now)
        assertThat(pool.preparedQuery("SELECT id FROM guard_file WHERE id = ?").execute(io.vertx.mutiny.sqlclient.Tuple.of(row))
                .await().indefinitely().size()).isZero();
        assertThatThrownBy(() -> store.size(location)).isInstanceOf(io.guardcluster.filestore.storage.ObjectNotFoundException.class);
        given().filter(TestUsers.as(alice)).get("/api/files/" + young).then().statusCode(200);
    }

    long pendingRows() {
        return pool.preparedQuery("SELECT COUNT(*) AS n FROM guard_file WHERE state = 'pending' AND owner_user = ?")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(alice.userId())).await().indefinitely()
                .iterator().next().getLong("n");
    }

    // ------------------------------------------------------------------ helpers

    /** The stored object's bytes, straight from storage. */
    byte[] readStored(String id) {
        try (InputStream in = store.open(id)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Overwrites the stored object (an attacker with access to the NAS or the bucket). */
    void replaceStored(String id, byte[] bytes) throws IOException {
        store.delete(id);
        try (ObjectWriter writer = store.create(id)) {
            writer.write(bytes);
            writer.commit();
        }
    }

    String identityFor(InternalIdentity user, String method, String path) {
        return TestUsers.sign(user, method, self.getHost() + ":" + self.getPort(), path);
    }

    static String exportedKey(InternalIdentity user, String password) {
        String fingerprint = given().baseUri(TestCluster.get().keyService().url()).filter(TestUsers.as(user))
                .get("/api/keys").then().statusCode(200).extract().path("[0].fingerprint");
        return given().baseUri(TestCluster.get().keyService().url()).filter(TestUsers.as(user)).contentType(ContentType.JSON)
                .body(Map.of("password", password, "exportPassword", "export pass"))
                .post("/api/keys/" + fingerprint + "/export").then().statusCode(200).extract().asString();
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
