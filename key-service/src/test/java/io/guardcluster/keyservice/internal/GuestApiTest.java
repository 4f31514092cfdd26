package io.guardcluster.keyservice.internal;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.junit.jupiter.api.Test;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.keyservice.pgp.KeyInfo;
import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** {@code POST /api/keys/internal/guests}: guest accounts for external addresses, and what a guest can do then. */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class GuestApiTest {

    private static final AtomicInteger NEXT = new AtomicInteger((int) (System.nanoTime() & 0xFFFFFF));

    /** An external address no test (nor an earlier run against the same database) has used. */
    private static String externalAddress(String name) {
        return name + "." + NEXT.incrementAndGet() + "@external.example.org";
    }

    @Test
    void createsAGuestOnceAndRecipientsFindItsKey() throws Exception {
        KeyApi sender = KeyApi.fresh("inviter");
        String email = externalAddress("gus");
        JsonPath created = sender.post("/api/keys/internal/guests", "email", email, "name", "Gus Guest").statusCode(201)
                .body("email", is(email)).body("guest", is(true)).body("created", is(true)).body("contextId", is(0))
                .body("userId", notNullValue()).body("key.source", is("GUARD"))
                .body("key.armored", containsString("BEGIN PGP PUBLIC KEY BLOCK")).body("initialPassword", notNullValue())
                .extract().jsonPath();
        String fingerprint = created.getString("key.fingerprint");
        int userId = created.getInt("userId");
        assertThat(created.getString("initialPassword")).hasSize(16);
        KeyInfo info = KeyInfo.of(Signatures.publicKey(created.getString("key.armored")));
        assertThat(info.fingerprint()).isEqualTo(fingerprint);
        assertThat(info.userIds()).containsExactly("Gus Guest <" + email + ">");
        assertThat(info.algorithm()).contains("Ed25519");
        assertThat(info.canEncrypt()).isTrue();

        // Again, from another sender and with the address written differently: the same guest, no new key, no password.
        KeyApi other = KeyApi.fresh("inviter2");
        other.post("/api/keys/internal/guests", "email", "  " + email.toUpperCase() + " ").statusCode(200)
                .body("guest", is(true)).body("created", is(false)).body("userId", is(userId))
                .body("key.fingerprint", is(fingerprint)).body("initialPassword", nullValue());

        sender.request().queryParam("email", email).get("/api/keys/internal/recipients").then().statusCode(200)
                .body("keys", hasSize(1)).body("keys[0].fingerprint", is(fingerprint)).body("keys[0].source", is("GUARD"));
    }

    @Test
    void invalidRequestsAre400() {
        KeyApi sender = KeyApi.fresh("badinviter");
        for (String email : new String[] { "not an address", "nobody@localhost", "@example.org", "a@b@", "x@[127.0.0.1]", "" }) {
            sender.post("/api/keys/internal/guests", "email", email).statusCode(400).contentType("application/problem+json")
                    .body("type", is("urn:guard:problem:invalid-email"));
        }
        sender.post("/api/keys/internal/guests").statusCode(400).body("type", is("urn:guard:problem:invalid-email"));
        sender.post("/api/keys/internal/guests", "email", externalAddress("named"), "name", "Evil <x@y.z>").statusCode(400)
                .body("type", is("urn:guard:problem:invalid-name"));
    }

    @Test
    void anAddressOfAGuardUserGetsThatUsersKeyAndNoGuest() {
        KeyApi alice = KeyApi.fresh("member");
        String fingerprint = alice.createKey("member-password-1");
        KeyApi.fresh("inviter3").post("/api/keys/internal/guests", "email", alice.user().email()).statusCode(200)
                .body("guest", is(false)).body("created", is(false)).body("key.fingerprint", is(fingerprint))
                .body("key.source", is("GUARD")).body("userId", nullValue()).body("contextId", nullValue())
                .body("initialPassword", nullValue());
        // still Alice's account only
        alice.request().get("/api/keys").then().body("", hasSize(1));
    }

    @Test
    void theGuestDecryptsWithItsOwnIdentityOnceTheInitialPasswordIsChanged() throws Exception {
        String email = externalAddress("reader");
        JsonPath guest = KeyApi.fresh("inviter4").post("/api/keys/internal/guests", "email", email).statusCode(201)
                .extract().jsonPath();
        String initial = guest.getString("initialPassword");
        String fingerprint = guest.getString("key.fingerprint");
        KeyApi asGuest = new KeyApi(new InternalIdentity(0, guest.getInt("userId"), email, Instant.now().plusSeconds(60)));

        AtomicReference<PGPSessionKey> sessionKey = new AtomicReference<>();
        byte[] message = encrypt("for the guest".getBytes(StandardCharsets.UTF_8),
                Signatures.publicKey(guest.getString("key.armored")), sessionKey);
        String packets = Base64.getEncoder().encodeToString(message);

        // The initial password came by mail: it opens nothing until it is changed.
        asGuest.post("/api/keys/internal/session-keys", "encryptedSessionKeys", packets, "password", initial).statusCode(403)
                .body("type", is("urn:guard:problem:password-change-required"));
        asGuest.put("/api/keys/password", "currentPassword", initial, "newPassword", "chosen-by-the-guest").statusCode(204);
        asGuest.post("/api/keys/internal/session-keys", "encryptedSessionKeys", packets, "password", initial).statusCode(403)
                .body("type", is("urn:guard:problem:wrong-password"));
        String decrypted = asGuest.post("/api/keys/internal/session-keys", "encryptedSessionKeys", packets,
                "password", "chosen-by-the-guest").statusCode(200).body("fingerprint", is(fingerprint))
                .body("symmetricAlgorithm", is(SymmetricKeyAlgorithmTags.AES_256)).extract().path("sessionKey");
        assertThat(Base64.getDecoder().decode(decrypted)).isEqualTo(sessionKey.get().getKey());

        // The guest sees its key like a user does.
        asGuest.request().get("/api/keys").then().statusCode(200).body("fingerprint", hasItem(fingerprint));
    }

    @Test
    void guestsInviteNobodyAndAreNotPublished() {
        String email = externalAddress("quiet");
        JsonPath guest = KeyApi.fresh("inviter5").post("/api/keys/internal/guests", "email", email).statusCode(201)
                .extract().jsonPath();
        KeyApi asGuest = new KeyApi(new InternalIdentity(0, guest.getInt("userId"), email, Instant.now().plusSeconds(60)));
        asGuest.post("/api/keys/internal/guests", "email", externalAddress("friend")).statusCode(403)
                .body("type", is("urn:guard:problem:guest-cannot-invite"));
        given().queryParam("op", "get").queryParam("search", email).get("/pks/lookup").then().statusCode(404);
        given().queryParam("op", "get").queryParam("search", "0x" + guest.getString("key.fingerprint")).get("/pks/lookup")
                .then().statusCode(404);
    }

    /** Guests are for addresses outside the groupware; if one was made for a user's address anyway, they are told. */
    @Test
    void aUserWhoseAddressHasAGuestAccountIsToldSo() {
        String email = externalAddress("latecomer");
        KeyApi.fresh("inviter6").post("/api/keys/internal/guests", "email", email).statusCode(201);
        InternalIdentity fresh = TestUsers.fresh("latecomer");
        KeyApi user = new KeyApi(new InternalIdentity(fresh.contextId(), fresh.userId(), email, fresh.expiresAt()));
        user.post("/api/keys", "password", "latecomer-password").statusCode(409)
                .body("type", is("urn:guard:problem:address-held-by-guest"));
    }

    @Test
    void concurrentFirstCallsMakeOneGuest() {
        String email = externalAddress("racer");
        List<CompletableFuture<JsonPath>> calls = List.of(1, 2, 3).stream()
                .map(i -> CompletableFuture.supplyAsync(() -> KeyApi.fresh("racer" + i)
                        .post("/api/keys/internal/guests", "email", email).extract().jsonPath()))
                .toList();
        List<JsonPath> answers = calls.stream().map(CompletableFuture::join).toList();
        assertThat(answers).extracting(a -> a.getString("key.fingerprint")).containsOnly(answers.get(0).getString("key.fingerprint"));
        assertThat(answers).extracting(a -> a.getInt("userId")).containsOnly(answers.get(0).getInt("userId"));
        assertThat(answers).filteredOn(a -> a.getBoolean("created")).hasSize(1);
        assertThat(answers).filteredOn(a -> a.getString("initialPassword") != null).hasSize(1);
    }

    /** A message encrypted by BouncyCastle to the key's encryption subkey; the session key it used goes to {@code used}. */
    private static byte[] encrypt(byte[] plaintext, PGPPublicKeyRing ring, AtomicReference<PGPSessionKey> used) throws Exception {
        PGPPublicKey recipient = null;
        for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
            PGPPublicKey key = keys.next();
            if (key.isEncryptionKey()) {
                recipient = key;
            }
        }
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true));
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient));
        generator.setSessionKeyExtractionCallback(used::set);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(bytes, new byte[4096])) {
            try (OutputStream out = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralData.BINARY, "", plaintext.length,
                    new Date())) {
                out.write(plaintext);
            }
        }
        return bytes.toByteArray();
    }
}
