package io.guardcluster.mailservice.guest;

import static io.guardcluster.mailservice.MailWorld.INBOX;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.guardcluster.mailservice.MailWorld;
import io.guardcluster.mailservice.MailWorld.Person;
import io.guardcluster.mailservice.backend.EmulatorProcessResource;
import io.guardcluster.mailservice.mime.MimeParser;
import io.guardcluster.mailservice.mime.MimePart;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.SecretScanner;
import io.guardcluster.testing.TestCluster;
import io.guardcluster.testing.TestUsers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Guests end to end, with real processes: key-service (guest accounts, passwords, session keys, signatures),
 * filestore-service (the guest's copy), the groupware emulator (alice's mail, the outbox for outside addresses, the
 * SMTP sink that takes the guest's reply into alice's INBOX) and MariaDB. A guest is someone outside with no key
 * anywhere; they only ever see the link and password mails and the public guest endpoints.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "filestoreService", value = "true"))
@QuarkusTestResource(value = EmulatorProcessResource.class, restrictToAnnotatedClass = true)
class GuestMailTest {

    static final String TEXT = "Hallo,\r\nanbei die vertraulichen Zahlen: 17 Kisten Äpfel.\r\nAlice\r\n";
    static final String NEW_PASSWORD = "Mein eigenes Gastpasswort 2024";
    static final Pattern LINK = Pattern.compile("/api/guest/messages/([A-Za-z0-9_-]{43})");
    static final Pattern PASSWORD = Pattern.compile("\\n {4}(\\S+)\\r?\\n");

    @ConfigProperty(name = "guard.backend.rest.url")
    String emulator;

    @Inject
    GuestCleanup cleanup;

    @Inject
    Pool pool;

    private Person alice() {
        return MailWorld.person(emulator, "alice");
    }

    static String newGuest() {
        return "guest-" + UUID.randomUUID().toString().substring(0, 8) + "@outside.example";
    }

    /** What alice's send answered, and what reached the guest's outbox. */
    record Invited(JsonPath answer, String link, String initialPassword, List<String> mails) {
    }

    static Invited send(Person sender, String emulator, String guest, String subject, String text) throws Exception {
        JsonPath answer = sender.mail().header("X-Guard-Unlock-Token", sender.unlockToken()).contentType(ContentType.JSON)
                .body(Map.of("to", List.of("Gast <" + guest + ">"), "subject", subject, "text", text))
                .post("/api/mail/send").then().statusCode(200).extract().jsonPath();
        List<String> mails = new ArrayList<>();
        for (JsonNode mail : MailWorld.outbox(emulator, guest)) {
            mails.add(readable(mail.path("source").asText()));
        }
        String link = null;
        String password = null;
        for (String mail : mails) {
            Matcher l = LINK.matcher(mail);
            if (l.find()) {
                link = l.group(1);
            }
            Matcher p = PASSWORD.matcher(mail);
            if (mail.contains("Subject: Your Guard password") && p.find()) {
                password = p.group(1);
            }
        }
        return new Invited(answer, link, password, mails);
    }

    /** A mail as its reader sees it: the header, then the body decoded (quoted-printable, base64). */
    static String readable(String source) throws Exception {
        MimePart part = new MimeParser().parse(source.getBytes(StandardCharsets.UTF_8));
        String header = source.substring(0, Math.max(0, source.indexOf("\r\n\r\n")));
        return part.isMultipart() ? source : header + "\r\n\r\n" + part.text().text();
    }

    static Response signIn(String link, Map<String, String> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/guest/messages/" + link + "/session");
    }

    @Test
    void guestRoundTripSendToAnOutsideAddressGuestReadsGuestReplies() throws Exception {
        String guest = newGuest();
        Invited invited = send(alice(), emulator, guest, "Vertraulich", TEXT);

        // alice's answer: a guest, a new account, no PIN in this deployment
        assertThat(invited.answer().getString("recipients[0].source")).isEqualTo("guest");
        assertThat(invited.answer().getString("guests[0].address")).isEqualTo(guest);
        assertThat(invited.answer().getBoolean("guests[0].newAccount")).isTrue();
        assertThat(invited.answer().getBoolean("guests[0].notified")).isTrue();
        assertThat(invited.answer().getString("guests[0].pin")).isNull();
        assertThat(invited.answer().getString("guests[0].expiresAt")).isNotNull();

        // the outbox: the encrypted mail, the notification with the link, the password mail, each separate
        assertThat(invited.mails()).hasSize(3);
        assertThat(invited.link()).isNotNull();
        assertThat(invited.initialPassword()).isNotNull();
        String notification = invited.mails().stream().filter(m -> LINK.matcher(m).find()).findFirst().orElseThrow();
        String passwordMail = invited.mails().stream().filter(m -> m.contains(invited.initialPassword())).findFirst().orElseThrow();
        assertThat(notification).contains("alice@example.com").contains("can be read until")
                .doesNotContain(invited.initialPassword()).doesNotContain("17 Kisten");
        assertThat(passwordMail).doesNotContain(invited.link()).doesNotContain("17 Kisten");
        assertThat(invited.mails()).filteredOn(m -> m.contains("multipart/encrypted")).hasSize(1);

        // the first sign-in needs a new password
        signIn(invited.link(), Map.of("password", invited.initialPassword())).then().statusCode(403)
                .contentType("application/problem+json").body("type", is("urn:guard:problem:password-change-required"));
        JsonPath session = signIn(invited.link(), Map.of("password", invited.initialPassword(), "newPassword", NEW_PASSWORD))
                .then().statusCode(200).header("Cache-Control", "no-store").body("expiresAt", notNullValue())
                .extract().jsonPath();
        String token = session.getString("session");
        // the initial password is spent; the new one signs in again
        signIn(invited.link(), Map.of("password", NEW_PASSWORD)).then().statusCode(200);

        // the guest reads: alice's text, her valid signature
        JsonPath mail = given().header("X-Guard-Guest-Session", token).get("/api/guest/messages/" + invited.link())
                .then().statusCode(200).header("Cache-Control", "no-store").extract().jsonPath();
        assertThat(mail.getString("text")).isEqualTo(TEXT);
        assertThat(mail.getString("headers.subject")).isEqualTo("Vertraulich");
        assertThat(mail.getString("headers.from[0].address")).isEqualTo(alice().email());
        assertThat(mail.getBoolean("security.encrypted")).isTrue();
        assertThat(mail.getString("security.signatures[0].status")).isEqualTo("valid");
        assertThat(mail.getString("security.signatures[0].fingerprint")).isEqualTo(alice().fingerprint());

        // the guest replies; it reaches alice's INBOX by SMTP, encrypted to her and signed by the guest's key
        JsonPath sent = given().header("X-Guard-Guest-Session", token).contentType(ContentType.JSON)
                .body(Map.of("text", "Danke, Alice!\r\nGast\r\n")).post("/api/guest/messages/" + invited.link() + "/reply")
                .then().statusCode(200).extract().jsonPath();
        assertThat(sent.getString("to")).isEqualTo(alice().email());
        String replyId = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> fromGuest(guest), id -> id != null);
        JsonPath reply = alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).queryParam("folder", INBOX)
                .queryParam("id", replyId).get("/api/mail/message").then().statusCode(200).extract().jsonPath();
        assertThat(reply.getString("text")).isEqualTo("Danke, Alice!\r\nGast\r\n");
        assertThat(reply.getString("headers.subject")).isEqualTo("Re: Vertraulich");
        assertThat(reply.getBoolean("security.encrypted")).isTrue();
        assertThat(reply.getString("security.signatures[0].status")).isEqualTo("valid");
        assertThat(reply.getString("security.signatures[0].signer")).isEqualTo(guest);

        // nothing secret in the answers, the log or the metrics
        SecretScanner scanner = SecretScanner.forFile(TestCluster.get().masterKeyFile())
                .alsoForbidding(invited.initialPassword(), NEW_PASSWORD, token, invited.link(), "17 Kisten Äpfel",
                        "Danke, Alice!", alice().unlockToken());
        SecretScanner.forFile(TestCluster.get().masterKeyFile()).alsoForbidding(invited.initialPassword(), NEW_PASSWORD)
                .assertClean("the sign-in answer", session.prettify());
        scanner.assertClean("the reply answer", sent.prettify());
        scanner.assertClean("the send answer", invited.answer().prettify());
        scanner.assertClean("the service log", Files.readString(Path.of(ConfigProvider.getConfig()
                .getValue("quarkus.log.file.path", String.class))));
        scanner.assertClean("/q/metrics", given().get("/q/metrics").then().extract().asString());
    }

    /** The id of the newest mail in alice's INBOX from {@code guest}, or null. */
    private String fromGuest(String guest) {
        List<Map<String, Object>> list = alice().mail().queryParam("folder", INBOX).get("/api/mail/messages").then()
                .statusCode(200).extract().jsonPath().getList("");
        return list.stream().filter(m -> String.valueOf(m.get("from")).contains(guest))
                .map(m -> String.valueOf(m.get("id"))).max((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)))
                .orElse(null);
    }

    @Test
    void wrongLinksSessionsAndPasswordsGetClearAnswersAndTheLinkLocks() throws Exception {
        Invited invited = send(alice(), emulator, newGuest(), "Zweiter Versuch", TEXT);
        String link = invited.link();

        // every link that leads nowhere: the same 404
        JsonPath unknown = given().get("/api/guest/messages/" + "A".repeat(43)).then().statusCode(404)
                .contentType("application/problem+json").body("type", is("urn:guard:problem:guest-message-not-found"))
                .extract().jsonPath();
        JsonPath malformed = given().get("/api/guest/messages/not-a-token").then().statusCode(404).extract().jsonPath();
        assertThat(malformed.getString("detail")).isEqualTo(unknown.getString("detail"));
        assertThat(malformed.getString("type")).isEqualTo(unknown.getString("type"));
        signIn("B".repeat(43), Map.of("password", "x")).then().statusCode(404);

        // no session, a broken one, one for another link: 401 (and the answer never repeats the link's token)
        String noSession = given().get("/api/guest/messages/" + link).then().statusCode(401)
                .body("type", is("urn:guard:problem:guest-session-required")).extract().asString();
        assertThat(noSession).doesNotContain(link).contains("/api/guest/messages/{link}");
        assertThat(unknown.getString("instance")).doesNotContain("A".repeat(43));
        given().header("X-Guard-Guest-Session", "garbage").get("/api/guest/messages/" + link).then().statusCode(401);
        // no password, no JSON: 400
        signIn(link, Map.of()).then().statusCode(400).contentType("application/problem+json")
                .body("type", is("urn:guard:problem:password-required"));
        given().contentType(ContentType.JSON).body("{\"password\": ").post("/api/guest/messages/" + link + "/session")
                .then().statusCode(400).contentType("application/problem+json");

        // wrong passwords: 403 until the limit, then locked (423, Retry-After), even for the right one (here key-service
        // and the link count to 5 alike; GuestPinMailTest shows the link's own lockout with wrong PINs)
        for (int i = 1; i < 5; i++) {
            signIn(link, Map.of("password", "wrong password " + i, "newPassword", NEW_PASSWORD)).then().statusCode(403)
                    .contentType("application/problem+json").body("type", is("urn:guard:problem:wrong-password"));
        }
        signIn(link, Map.of("password", "wrong password 5", "newPassword", NEW_PASSWORD)).then().statusCode(423)
                .header("Retry-After", notNullValue()).contentType("application/problem+json");
        signIn(link, Map.of("password", invited.initialPassword(), "newPassword", NEW_PASSWORD)).then().statusCode(423)
                .header("Retry-After", notNullValue());
        // nothing half-done: the guest's password is still the initial one (the locked attempt changed nothing)
        pool.preparedQuery("UPDATE guard_guest_message SET locked_until = NULL WHERE file_id IS NOT NULL AND locked_until IS NOT NULL")
                .execute().await().atMost(Duration.ofSeconds(10));
        signIn(link, Map.of("password", invited.initialPassword())).then().statusCode(403)
                .body("type", is("urn:guard:problem:password-change-required"));

        // a session of one link does not open another
        Invited other = send(alice(), emulator, newGuest(), "Dritter", TEXT);
        String otherSession = signIn(other.link(), Map.of("password", other.initialPassword(), "newPassword", NEW_PASSWORD))
                .then().statusCode(200).extract().jsonPath().getString("session");
        given().header("X-Guard-Guest-Session", otherSession).get("/api/guest/messages/" + link).then().statusCode(401);
        // an empty reply: 400
        given().header("X-Guard-Guest-Session", otherSession).contentType(ContentType.JSON).body(Map.of("text", " "))
                .post("/api/guest/messages/" + other.link() + "/reply").then().statusCode(400)
                .body("type", is("urn:guard:problem:empty-reply"));

        SecretScanner.forFile(TestCluster.get().masterKeyFile()).alsoForbidding(invited.initialPassword(), otherSession,
                other.initialPassword()).assertClean("the service log", Files.readString(Path.of(ConfigProvider.getConfig()
                        .getValue("quarkus.log.file.path", String.class))));
    }

    @Test
    void anExpiredMessageAnswers404AndTheCleanupRemovesRowAndFile() throws Exception {
        Invited invited = send(alice(), emulator, newGuest(), "Bald weg", TEXT);
        byte[] hash = GuestTokens.hash(invited.link());
        String fileId = pool.preparedQuery("SELECT file_id FROM guard_guest_message WHERE token_sha256 = ?")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash))).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getString("file_id");
        assertThat(filestoreStatus(fileId)).isEqualTo(200);

        pool.preparedQuery("UPDATE guard_guest_message SET expires_at = TIMESTAMP '2000-01-01 00:00:00' WHERE token_sha256 = ?")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash))).await().atMost(Duration.ofSeconds(10));
        // expired is gone at once, before any cleanup
        signIn(invited.link(), Map.of("password", invited.initialPassword())).then().statusCode(404);

        assertThat(cleanup.removeExpired().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        assertThat(pool.preparedQuery("SELECT COUNT(*) AS n FROM guard_guest_message WHERE token_sha256 = ?")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash))).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong("n")).isZero();
        assertThat(filestoreStatus(fileId)).as("the copy in filestore-service").isEqualTo(404);
        // a second pass (another replica) finds nothing more to do
        assertThat(cleanup.removeExpired().await().atMost(Duration.ofSeconds(30))).isZero();
    }

    @Test
    void aSendTheGroupwareRefusesLeavesNoGuestCopyBehind() throws Exception {
        String guest = newGuest();
        // a groupware session the backend does not know: keys resolved, guest made, copy stored, then the send fails
        given().filter(TestUsers.as(alice().identity())).queryParam("session", "0123456789abcdef")
                .header("X-Guard-Unlock-Token", alice().unlockToken()).contentType(ContentType.JSON)
                .body(Map.of("to", List.of(guest), "subject", "nie gesendet", "text", "x"))
                .post("/api/mail/send").then().statusCode(401).contentType("application/problem+json")
                .body("type", is("urn:guard:problem:groupware-session-expired"));
        assertThat(pool.preparedQuery("SELECT COUNT(*) AS n FROM guard_guest_message WHERE guest_email = ?")
                .execute(Tuple.of(guest)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n"))
                .as("the guest copy was removed again").isZero();
        assertThat(MailWorld.outbox(emulator, guest)).as("no mail, no notification").isEmpty();
    }

    /** The status of {@code GET /api/files/{id}} at the filestore-service process, as alice (the copy's owner). */
    private int filestoreStatus(String fileId) throws Exception {
        String url = TestCluster.get().filestoreService().url();
        java.net.URI uri = java.net.URI.create(url + "/api/files/" + fileId);
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri)
                .header(io.guardcluster.common.identity.InternalIdentityCodec.HEADER, TestUsers.sign(alice().identity(), "GET",
                        uri.getHost() + ":" + uri.getPort(), uri.getPath())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
