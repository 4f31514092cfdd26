package io.guardcluster.keyservice.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.seal.Sealer;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A Guard password's life: set with the first key, unlock (and remember), wrong attempts and the
 * cluster-wide lock, change, reset through recovery, and giving recovery up.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class PasswordLifecycleTest {

    private static final String PASSWORD = "first-password-1";

    @Inject
    MeterRegistry meters;

    @Inject
    MockMailbox mailbox;

    @BeforeEach
    void clearMailbox() {
        mailbox.clear();
    }

    @Test
    void firstKeyNeedsAPasswordOfSomeLength() {
        KeyApi api = KeyApi.fresh("nopass");
        api.post("/api/keys").statusCode(400).contentType("application/problem+json")
                .body("type", is("urn:guard:problem:password-required"));
        api.post("/api/keys", "password", "short").statusCode(400).body("type", is("urn:guard:problem:password-too-short"));
        api.request().get("/api/keys").then().statusCode(200).body("size()", is(0));
    }

    @Test
    void unlockTokenWorksUntilLogout() {
        KeyApi api = KeyApi.fresh("token");
        String fingerprint = api.createKey(PASSWORD);
        String token = api.post("/api/keys/unlock", "password", PASSWORD, "rememberMinutes", 5).statusCode(200)
                .body("expiresAt", notNullValue()).extract().path("unlockToken");
        api.post("/api/keys/" + fingerprint + "/export", "unlockToken", token, "exportPassword", "export-pass-1")
                .statusCode(200).body(containsString("BEGIN PGP PRIVATE KEY BLOCK"));

        api.request().delete("/api/keys/unlock").then().statusCode(204);
        api.post("/api/keys/" + fingerprint + "/export", "unlockToken", token, "exportPassword", "export-pass-1")
                .statusCode(403).body("type", is("urn:guard:problem:unlock-token-invalid"));
        api.post("/api/keys/unlock", "password", PASSWORD, "rememberMinutes", 100000).statusCode(400)
                .body("type", is("urn:guard:problem:remember-out-of-range"));
    }

    @Test
    void tokenOfOneUserDoesNotUnlockAnother() {
        KeyApi alice = KeyApi.fresh("alice");
        KeyApi mallory = KeyApi.fresh("mallory");
        alice.createKey(PASSWORD);
        String malloryKey = mallory.createKey("mallory-password");
        String aliceToken = alice.post("/api/keys/unlock", "password", PASSWORD).statusCode(200).extract().path("unlockToken");
        mallory.post("/api/keys/" + malloryKey + "/export", "unlockToken", aliceToken, "exportPassword", "export-pass-1")
                .statusCode(403).body("type", is("urn:guard:problem:unlock-token-invalid"));
    }

    @Test
    void wrongPasswordsLockTheKeysClusterWide() {
        KeyApi api = KeyApi.fresh("locked");
        api.createKey(PASSWORD);
        double lockouts = meters.counter("guard.lockouts").count();
        double refused = meters.counter("guard.unlocks", "result", "locked").count();
        // test config: guard.unlock.max-failures=3
        api.post("/api/keys/unlock", "password", "wrong-1").statusCode(403)
                .body("type", is("urn:guard:problem:wrong-password")).body("detail", containsString("2 more"));
        api.post("/api/keys/unlock", "password", "wrong-2").statusCode(403).body("detail", containsString("1 more"));
        api.post("/api/keys/unlock", "password", "wrong-3").statusCode(423)
                .header("Retry-After", notNullValue()).body("type", is("urn:guard:problem:keys-locked"));
        // Locked means locked: the right password does not get through either, and is not even checked.
        api.post("/api/keys/unlock", "password", PASSWORD).statusCode(423);
        // Operators see it: one new lockout, one attempt refused while locked.
        assertThat(meters.counter("guard.lockouts").count() - lockouts).isEqualTo(1);
        assertThat(meters.counter("guard.unlocks", "result", "locked").count() - refused).isEqualTo(1);
    }

    @Test
    void changingThePasswordKeepsTheKeys() {
        KeyApi api = KeyApi.fresh("change");
        String fingerprint = api.createKey(PASSWORD);
        api.put("/api/keys/password", "currentPassword", "not-the-password", "newPassword", "second-password-2")
                .statusCode(403).body("type", is("urn:guard:problem:wrong-password"));
        api.put("/api/keys/password", "currentPassword", PASSWORD, "newPassword", "tiny").statusCode(400)
                .body("type", is("urn:guard:problem:password-too-short"));
        api.put("/api/keys/password", "currentPassword", PASSWORD, "newPassword", "second-password-2").statusCode(204);

        api.post("/api/keys/unlock", "password", PASSWORD).statusCode(403);
        api.post("/api/keys/" + fingerprint + "/export", "password", "second-password-2").statusCode(200)
                .body(containsString("BEGIN PGP PRIVATE KEY BLOCK"));
    }

    @Test
    void concurrentPasswordChangesDoNotBothWin() {
        KeyApi api = KeyApi.fresh("race");
        api.createKey(PASSWORD);
        List<CompletableFuture<Integer>> changes = List.of("racer-one-1", "racer-two-2").stream()
                .map(next -> CompletableFuture.supplyAsync(() -> api.put("/api/keys/password", "currentPassword", PASSWORD,
                        "newPassword", next).extract().statusCode()))
                .toList();
        List<Integer> statuses = changes.stream().map(CompletableFuture::join).sorted().toList();
        // Exactly one wins. The other either read the row before the winner wrote it (its write then
        // finds the row changed: 409) or after (the current password it sent is no longer right: 403).
        assertThat(statuses).filteredOn(s -> s == 204).hasSize(1);
        assertThat(statuses).allMatch(s -> s == 204 || s == 409 || s == 403);
        long opening = List.of("racer-one-1", "racer-two-2").stream()
                .filter(pw -> api.post("/api/keys/unlock", "password", pw).extract().statusCode() == 200).count();
        assertThat(opening).as("exactly the winning password opens").isEqualTo(1);
    }

    @Test
    void resetMailsATemporaryPasswordThatMustBeChanged() {
        KeyApi api = KeyApi.fresh("reset");
        String fingerprint = api.createKey(PASSWORD, "recoveryEmail", "Backup.Address@example.org");
        api.request().post("/api/keys/password/reset").then().statusCode(200).body("sentTo", is("b***@example.org"));

        List<Mail> mails = mailbox.getMailsSentTo("backup.address@example.org");
        assertThat(mails).hasSize(1);
        Matcher temporary = Pattern.compile("Temporary password: (\\S+)").matcher(mails.get(0).getText());
        assertThat(temporary.find()).isTrue();
        String temp = temporary.group(1);

        api.post("/api/keys/unlock", "password", PASSWORD).statusCode(403); // the old one is gone
        api.post("/api/keys/" + fingerprint + "/export", "password", temp).statusCode(403)
                .body("type", is("urn:guard:problem:password-change-required"));
        api.put("/api/keys/password", "currentPassword", temp, "newPassword", "after-reset-3").statusCode(204);
        api.post("/api/keys/" + fingerprint + "/export", "password", "after-reset-3").statusCode(200);

        // One reset per guard.recovery.reset-interval (15 min): asking again at once changes nothing and mails nothing.
        api.request().post("/api/keys/password/reset").then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue()).body("type", is("urn:guard:problem:reset-too-soon"));
        assertThat(mailbox.getMailsSentTo("backup.address@example.org")).hasSize(1);
        api.post("/api/keys/" + fingerprint + "/export", "password", "after-reset-3").statusCode(200);
    }

    @Test
    void withoutRecoveryDataNobodyCanReset() throws Exception {
        KeyApi api = KeyApi.fresh("norecover");
        api.createKey(PASSWORD);
        api.delete("/api/keys/password/recovery", "password", "wrong-password").statusCode(403);
        assertThat(recoveryColumn(api)).isNotNull();
        api.delete("/api/keys/password/recovery", "password", PASSWORD).statusCode(204);
        assertThat(recoveryColumn(api)).isNull();
        api.request().post("/api/keys/password/reset").then().statusCode(409)
                .body("type", is("urn:guard:problem:recovery-unavailable"));
        assertThat(mailbox.getTotalMessagesSent()).isZero();
    }

    /**
     * The other side of "norecovery" (NoRecoveryTest): while recovery data exists, whoever holds the
     * database and oxguardpass can open the user's keys. That is what recovery means, and why a user
     * may delete it.
     */
    @Test
    void recoveryDataOpensTheKeysWithTheMasterKeyAlone() throws Exception {
        KeyApi api = KeyApi.fresh("recoverable");
        api.createKey(PASSWORD);
        Sealer sealer = new Sealer(MasterKeyFile.read(TestCluster.get().masterKeyFile()));
        byte[] secretKey;
        try (Connection db = TestCluster.get().database().connect();
                PreparedStatement select = db.prepareStatement(
                        "SELECT secret_key FROM guard_key WHERE context_id = ? AND user_id = ?")) {
            select.setInt(1, api.user().contextId());
            select.setInt(2, api.user().userId());
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                secretKey = rows.getBytes(1);
            }
        }
        try (KeyProtectionSecret secret = RecoveryData.open(sealer, recoveryColumn(api), api.user().contextId(),
                api.user().userId())) {
            assertThat(OpenPgpKeys.verifyPassphrase(OpenPgpKeys.readSecret(secretKey), secret.storagePassphrase())).isTrue();
        }
        // Recovery data is bound to its owner: it does not open as somebody else's.
        assertThatThrownBy(() -> RecoveryData.open(sealer, recoveryColumn(api), api.user().contextId(), api.user().userId() + 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resetForSomeoneWithoutGuardIsA404() {
        KeyApi.fresh("stranger").request().post("/api/keys/password/reset").then().statusCode(404)
                .body("type", is("urn:guard:problem:no-guard-account"));
    }

    static byte[] recoveryColumn(KeyApi api) throws Exception {
        try (Connection db = TestCluster.get().database().connect();
                PreparedStatement select = db.prepareStatement(
                        "SELECT recovery FROM guard_user WHERE context_id = ? AND user_id = ?")) {
            select.setInt(1, api.user().contextId());
            select.setInt(2, api.user().userId());
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getBytes(1);
            }
        }
    }
}
