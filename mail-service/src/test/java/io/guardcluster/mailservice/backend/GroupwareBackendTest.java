package io.guardcluster.mailservice.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.testing.GroupwareSession;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * mail-service's backend client against the real groupware emulator (a packaged process running two nodes behind
 * its cookie-routing front): reading a mail's source byte for byte, listing, sending, the REST user lookup, the
 * answers for the backend's errors, and that forwarding the user's JSESSIONID keeps every call on the session's node.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EmulatorProcessResource.class, restrictToAnnotatedClass = true)
class GroupwareBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String INBOX = "default0/INBOX";
    private static final String SENT = "default0/Sent Items";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    GroupwareBackend backend;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "guard.backend.rest.url")
    String emulator;

    @Test
    void theRawSourceComesBackByteForByte() throws Exception {
        UserSession alice = login("alice");
        byte[] mime = ("From: =?UTF-8?Q?J=C3=BCrgen?= <j@outside.example>\r\nTo: alice@example.com\r\nSubject: raw\r\n"
                + "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] eightBit = { (byte) 0xe4, (byte) 0xf6, (byte) 0xfc, 0, (byte) 0xff, '\r', '\n' };
        byte[] message = concat(mime, eightBit);
        String id = drop("alice@example.com", message);
        assertThat(backend.rawMessage(alice, INBOX, id).await().atMost(WAIT)).isEqualTo(message);
    }

    @Test
    void aLargeMailComesBackWholeAndATooLargeOneIs413() throws Exception {
        UserSession bob = login("bob");
        byte[] large = message("large", 12 * 1024 * 1024);
        String id = drop("bob@example.com", large);
        assertThat(backend.rawMessage(bob, INBOX, id).await().atMost(WAIT)).isEqualTo(large);

        String tooLarge = drop("bob@example.com", message("too large", 17 * 1024 * 1024));
        assertProblem(() -> backend.rawMessage(bob, INBOX, tooLarge).await().atMost(WAIT), 413, "message-too-large");
    }

    @Test
    void listShowsTheNewestMailsFirst() throws Exception {
        UserSession carol = login("carol");
        drop("carol@example.com", "From: Bob Example <bob@example.com>\r\nTo: carol@example.com\r\nCc: alice@example.com\r\n"
                .concat("Subject: first\r\nDate: Tue, 3 Jun 2025 11:05:30 +0200\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII));
        String second = drop("carol@example.com",
                "From: alice@example.com\r\nTo: carol@example.com\r\nSubject: second\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
        List<MailSummary> mails = backend.list(carol, INBOX, 2).await().atMost(WAIT);
        assertThat(mails).extracting(MailSummary::subject).containsExactly("second", "first");
        MailSummary newest = mails.get(0);
        assertThat(newest.id()).isEqualTo(second);
        assertThat(newest.folder()).isEqualTo(INBOX);
        assertThat(newest.attachment()).isTrue();
        MailSummary first = mails.get(1);
        assertThat(first.from()).containsExactly(new MailSummary.Address("Bob Example", "bob@example.com"));
        assertThat(first.cc()).containsExactly(new MailSummary.Address(null, "alice@example.com"));
        // timezone=UTC: the API's times are plain UTC instants.
        assertThat(first.sentDate()).isEqualTo(java.time.Instant.parse("2025-06-03T09:05:30Z"));
        assertThat(first.receivedDate()).isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(5));
        assertThat(first.flags()).isZero();
    }

    @Test
    void sendingToAUserAndToTheOutside() throws Exception {
        UserSession alice = login("alice");
        UserSession bob = login("bob");
        String subject = "sent " + System.nanoTime();
        byte[] mime = ("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nCc: someone@outside.example\r\nSubject: "
                + subject + "\r\n\r\nHello\r\n").getBytes(StandardCharsets.US_ASCII);

        Optional<MailRef> sent = backend.send(alice, mime).await().atMost(WAIT);
        assertThat(sent).isPresent();
        assertThat(sent.get().folder()).isEqualTo(SENT);
        assertThat(backend.rawMessage(alice, SENT, sent.get().id()).await().atMost(WAIT)).isEqualTo(mime);

        MailSummary received = backend.list(bob, INBOX, 20).await().atMost(WAIT).stream()
                .filter(m -> subject.equals(m.subject())).findFirst().orElseThrow();
        byte[] delivered = backend.rawMessage(bob, INBOX, received.id()).await().atMost(WAIT);
        assertThat(Arrays.copyOfRange(delivered, delivered.length - mime.length, delivered.length)).isEqualTo(mime);

        JsonNode outbox = getJson("/emulator/outbox?to=someone@outside.example");
        assertThat(outbox.findValuesAsText("subject")).contains(subject);
    }

    @Test
    void aSpoofedSenderIs400() throws Exception {
        UserSession alice = login("alice");
        assertProblem(() -> backend.send(alice, "From: bob@example.com\r\nTo: carol@example.com\r\n\r\nx\r\n"
                .getBytes(StandardCharsets.US_ASCII)).await().atMost(WAIT), 400, "invalid-sender");
    }

    @Test
    void usersAreFoundByAddressWithTheRestCredentials() {
        assertThat(backend.userByEmail("alice@example.com").await().atMost(WAIT))
                .contains(new BackendUser("alice@example.com", 1, 3, "Alice Example", "en_US"));
        assertThat(backend.userByEmail("Carol@Example.com").await().atMost(WAIT)).get()
                .extracting(BackendUser::userId, BackendUser::language).containsExactly(5, "de_DE");
        assertThat(backend.userByEmail("nobody@example.com").await().atMost(WAIT)).isEmpty();
        assertThat(backend.userByEmail("odd;name+tag@example.com").await().atMost(WAIT)).isEmpty();
    }

    @Test
    void aSessionTheBackendDoesNotAcceptIs401() throws Exception {
        UserSession alice = login("alice");
        String withoutSecret = Arrays.stream(alice.cookieHeader().split("; "))
                .filter(c -> !c.startsWith("open-xchange-secret-")).collect(Collectors.joining("; "));
        assertProblem(() -> backend.list(new UserSession(alice.sessionId(), withoutSecret, alice.userAgent()), INBOX, 5)
                .await().atMost(WAIT), 401, "groupware-session-expired");
        // OX finds the secret cookie under a name it computes from the User-Agent: another one is another name.
        assertProblem(() -> backend.list(new UserSession(alice.sessionId(), alice.cookieHeader(), "SomethingElse/1"), INBOX, 5)
                .await().atMost(WAIT), 401, "groupware-session-expired");
        assertProblem(() -> backend.rawMessage(new UserSession("0123456789abcdef0123456789abcdef", alice.cookieHeader(),
                alice.userAgent()), INBOX, "1").await().atMost(WAIT), 401, "groupware-session-expired");
    }

    @Test
    void anUnknownMailOrFolderIs404() throws Exception {
        UserSession alice = login("alice");
        assertProblem(() -> backend.rawMessage(alice, INBOX, "987654").await().atMost(WAIT), 404, "mail-not-found");
        assertProblem(() -> backend.rawMessage(alice, "default0/Nope", "1").await().atMost(WAIT), 404, "mail-not-found");
        assertProblem(() -> backend.list(alice, "default0/Nope", 5).await().atMost(WAIT), 404, "mail-not-found");
    }

    @Test
    void withTheForwardedJsessionIdNoNodeRecreatesTheSessionWithoutItTheyDo() throws Exception {
        UserSession alice = login("alice");
        drop("alice@example.com", "From: bob@example.com\r\nTo: alice@example.com\r\nSubject: r\r\n\r\nx\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        long before = getJson("/emulator/stats").path("sessionsRecreated").asLong();
        for (int i = 0; i < 50; i++) {
            backend.list(alice, INBOX, 1).await().atMost(WAIT);
        }
        assertThat(getJson("/emulator/stats").path("sessionsRecreated").asLong() - before)
                .as("sessions re-created while every call carried the JSESSIONID").isZero();

        String noRoute = Arrays.stream(alice.cookieHeader().split("; ")).filter(c -> !c.startsWith("JSESSIONID="))
                .collect(Collectors.joining("; "));
        UserSession unrouted = new UserSession(alice.sessionId(), noRoute, alice.userAgent());
        for (int i = 0; i < 20; i++) {
            backend.list(unrouted, INBOX, 1).await().atMost(WAIT);
        }
        assertThat(getJson("/emulator/stats").path("sessionsRecreated").asLong() - before)
                .as("sessions re-created once calls lost the JSESSIONID").isPositive();
    }

    private static void assertProblem(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String slug) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GuardProblemException.class, p -> {
            assertThat(p.status()).as("status of %s", p.getMessage()).isEqualTo(status);
            assertThat(p.slug()).isEqualTo(slug);
        });
    }

    private UserSession login(String name) throws IOException, InterruptedException {
        GroupwareSession session = GroupwareSession.login(emulator + "/appsuite/api", name, "secret-" + name);
        return new UserSession(session.sessionId(), session.cookieHeader(), session.userAgent());
    }

    /** Puts {@code message} into the user's INBOX (the emulator's test drop); its mail id. */
    private String drop(String email, byte[] message) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator + "/emulator/mailboxes/"
                + URLEncoder.encode(email, StandardCharsets.UTF_8) + "/INBOX")).header("Authorization", restAuth())
                .header("Content-Type", "message/rfc822").POST(HttpRequest.BodyPublishers.ofByteArray(message)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).path("id").asText();
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator + path))
                .header("Authorization", restAuth()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static String restAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((EmulatorProcessResource.REST_USER + ":"
                + EmulatorProcessResource.REST_PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** A message to its user of about {@code size} bytes, with a random (incompressible) base64 body. */
    private static byte[] message(String subject, int size) {
        byte[] blob = new byte[size * 3 / 4];
        new Random(size).nextBytes(blob);
        return ("From: x@outside.example\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(blob) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
