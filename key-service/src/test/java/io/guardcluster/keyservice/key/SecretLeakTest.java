package io.guardcluster.keyservice.key;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.SecretScanner;
import io.guardcluster.testing.TestCluster;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Secrets a user hands to key-service, or gets from it, never come back where they do not belong: after flows with
 * known secrets (Guard password, a mistyped one, export password, unlock token, the mailed temporary password, the
 * new password, a session key, the exported private key), none of them, nor the master key or its derived keys,
 * is in the service log, /q/metrics, /q/health or any error answer of those flows.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class SecretLeakTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    MockMailbox mailbox;

    /** Unique per run: a hit in the shared log can only come from this test's flows. */
    private static String secret(String name) {
        byte[] random = new byte[9];
        RANDOM.nextBytes(random);
        return name + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    @Test
    void noSecretOfTheFlowsReachesLogsMetricsHealthOrErrorAnswers() throws Exception {
        String password = secret("guard-password");
        String mistyped = secret("mistyped-password");
        String exportPassword = secret("export-password");
        String newPassword = secret("new-password");
        Map<String, String> problems = new LinkedHashMap<>();

        mailbox.clear();
        KeyApi api = KeyApi.fresh("leak");
        String recovery = "leak." + api.user().userId() + "@recovery.example.org";
        String fingerprint = api.createKey(password, "recoveryEmail", recovery);

        // Passwords: wrong, malformed bodies carrying one (the JSON error must not quote it).
        problems.put("wrong password", api.post("/api/keys/unlock", "password", mistyped).statusCode(403).extract().asString());
        problems.put("malformed JSON", api.request().contentType(ContentType.JSON)
                .body("{\"password\": \"" + password + "\", \"profile\": ").post("/api/keys").then().statusCode(400)
                .extract().asString());
        problems.put("password of the wrong shape", api.request().contentType(ContentType.JSON)
                .body("{\"password\": [\"" + password + "\"], \"profile\": {\"x\": \"" + mistyped + "\"}}")
                .post("/api/keys").then().statusCode(400).extract().asString());

        // Unlock token, export.
        String token = api.post("/api/keys/unlock", "password", password).statusCode(200).extract().path("unlockToken");
        problems.put("export without export password", api.post("/api/keys/" + fingerprint + "/export", "unlockToken", token)
                .statusCode(400).extract().asString());
        problems.put("export password too short", api.post("/api/keys/" + fingerprint + "/export", "password", password,
                "exportPassword", "short").statusCode(400).extract().asString());
        String exported = api.post("/api/keys/" + fingerprint + "/export", "unlockToken", token, "exportPassword",
                exportPassword).statusCode(200).extract().asString();
        // Importing it back: wrong key password, then the right one (the key exists already).
        problems.put("wrong key password", api.post("/api/keys/import", "key", exported, "keyPassword", mistyped,
                "password", password).statusCode(400).body("type", is("urn:guard:problem:key-password-wrong")).extract().asString());
        problems.put("import of an existing key", api.post("/api/keys/import", "key", exported, "keyPassword", exportPassword,
                "password", password).statusCode(409).extract().asString());
        problems.put("export of an unknown key", api.post("/api/keys/0123456789ABCDEF0123456789ABCDEF01234567/export",
                "password", password, "exportPassword", exportPassword).statusCode(404).extract().asString());

        // A session key: BouncyCastle encrypts to the key, the endpoint opens it (token, then a wrong password).
        byte[] publicKey = api.request().get("/api/keys/" + fingerprint + "/public").then().statusCode(200).extract().asByteArray();
        AtomicReference<PGPSessionKey> used = new AtomicReference<>();
        byte[] message = encrypt("leak test plaintext".getBytes(StandardCharsets.UTF_8), publicKey, used);
        String packets = Base64.getEncoder().encodeToString(message);
        String sessionKey = api.post("/api/keys/internal/session-keys", "encryptedSessionKeys", packets, "unlockToken", token)
                .statusCode(200).extract().path("sessionKey");
        assertThat(Base64.getDecoder().decode(sessionKey)).isEqualTo(used.get().getKey());
        problems.put("session key, wrong password", api.post("/api/keys/internal/session-keys", "encryptedSessionKeys",
                packets, "password", mistyped).statusCode(403).extract().asString());

        // Logout: the token is dead, and says so without repeating itself.
        api.request().delete("/api/keys/unlock").then().statusCode(204);
        problems.put("revoked token", api.post("/api/keys/" + fingerprint + "/export", "unlockToken", token, "exportPassword",
                exportPassword).statusCode(403).extract().asString());

        // Reset: the mailed temporary password, used where it may not be, then changed.
        api.request().post("/api/keys/password/reset").then().statusCode(200);
        List<Mail> mails = mailbox.getMailsSentTo(recovery);
        assertThat(mails).hasSize(1);
        Matcher found = Pattern.compile("Temporary password: (\\S+)").matcher(mails.get(0).getText());
        assertThat(found.find()).isTrue();
        String temporary = found.group(1);
        problems.put("temporary password used for a key", api.post("/api/keys/" + fingerprint + "/export", "password",
                temporary, "exportPassword", exportPassword).statusCode(403).extract().asString());
        problems.put("new password too short", api.put("/api/keys/password", "currentPassword", temporary, "newPassword",
                "tiny").statusCode(400).extract().asString());
        api.put("/api/keys/password", "currentPassword", temporary, "newPassword", newPassword).statusCode(204);
        problems.put("old password after the reset", api.put("/api/keys/password", "currentPassword", password,
                "newPassword", mistyped).statusCode(403).extract().asString());
        ValidatableResponse deleted = api.delete("/api/keys/" + fingerprint, "password", newPassword).statusCode(204);
        assertThat(deleted.extract().asString()).isEmpty();

        List<String> secrets = new ArrayList<>(List.of(password, mistyped, exportPassword, newPassword, token, temporary,
                sessionKey, HexFormat.of().formatHex(used.get().getKey()), HexFormat.of().withUpperCase().formatHex(used.get().getKey()),
                exported));
        // Every line of the exported key's armor body on its own: a log quoting part of it is a leak too.
        exported.lines().filter(l -> l.length() >= 32 && !l.startsWith("-----") && !l.contains(":")).forEach(secrets::add);
        SecretScanner scanner = SecretScanner.forFile(TestCluster.get().masterKeyFile())
                .alsoForbidding(secrets.toArray(String[]::new));

        for (Map.Entry<String, String> problem : problems.entrySet()) {
            assertThat(problem.getValue()).as(problem.getKey()).startsWith("{").contains("\"type\":\"urn:guard:problem:");
            scanner.assertClean("the answer to: " + problem.getKey(), problem.getValue());
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        scanner.assertClean("/q/metrics", metrics);
        // What was measured is there, without the secrets: the private-key operation's latency.
        assertThat(metrics).contains("guard_session_keys_decrypt_seconds_count", "guard_session_keys_total{result=\"ok\"");
        scanner.assertClean("/q/health", given().get("/q/health").asString());
        Path log = Path.of(ConfigProvider.getConfig().getValue("quarkus.log.file.path", String.class));
        String logged = Files.readString(log);
        // The right file, written by this service during these flows:
        assertThat(logged).contains("key " + fingerprint + " deleted by user " + api.user().userId());
        scanner.assertClean("the service log " + log, logged);
    }

    /** A message encrypted by BouncyCastle to the key's encryption subkey (SEIPDv1, AES-256), and its session key. */
    private static byte[] encrypt(byte[] plaintext, byte[] armoredPublicKey, AtomicReference<PGPSessionKey> sessionKey)
            throws IOException, PGPException {
        PGPPublicKeyRing ring;
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredPublicKey))) {
            ring = new PGPPublicKeyRing(in, new BcKeyFingerprintCalculator());
        }
        PGPPublicKey recipient = null;
        for (PGPPublicKey key : ring) {
            if (key.isEncryptionKey()) {
                recipient = key;
            }
        }
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true));
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient));
        generator.setSessionKeyExtractionCallback(sessionKey::set);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(bytes, new byte[4096]);
                OutputStream literal = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralData.BINARY, "",
                        plaintext.length, new Date())) {
            literal.write(plaintext);
        }
        return bytes.toByteArray();
    }
}
