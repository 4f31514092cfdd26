package io.guardcluster.mailservice;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.testing.GroupwareSession;
import io.guardcluster.testing.ServiceProcess;
import io.guardcluster.testing.TestCluster;
import io.guardcluster.testing.TestUsers;
import io.restassured.specification.RequestSpecification;

/**
 * The people of the mail tests: the emulator's demo users (alice, bob, carol in context 1) with a groupware login
 * each, a Guard key each (made through the real key-service process) and an unlock token; and the calls the tests
 * make around mail-service: to key-service as a user, to the emulator's test-only endpoints.
 */
public final class MailWorld {

    public static final String PASSWORD = "Guard password für Tests";
    public static final String INBOX = "default0/INBOX";
    private static final String REST_AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("guard:guard-rest-secret".getBytes(StandardCharsets.US_ASCII));
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Person> PEOPLE = new ConcurrentHashMap<>();

    /** A demo user: identity, groupware session, current key, unlock token. */
    public record Person(String login, InternalIdentity identity, GroupwareSession session, String fingerprint,
            String unlockToken) {

        public String email() {
            return identity.email();
        }

        /** A request to mail-service as this person, through "the gateway": identity, session and cookies. */
        public RequestSpecification mail() {
            return given().filter(TestUsers.as(identity)).queryParam("session", session.sessionId())
                    .header("Cookie", session.cookieHeader()).header("User-Agent", session.userAgent());
        }
    }

    private MailWorld() {
    }

    /**
     * alice, bob or carol, logged in at the emulator at {@code emulator} and with a Guard key (one login per emulator:
     * test classes may each start their own).
     */
    public static Person person(String emulator, String login) {
        return PEOPLE.computeIfAbsent(emulator + " " + login, key -> {
            String name = login;
            try {
                int userId = switch (name) {
                    case "alice" -> 3;
                    case "bob" -> 4;
                    case "carol" -> 5;
                    default -> throw new IllegalArgumentException(name);
                };
                InternalIdentity identity = new InternalIdentity(1, userId, name + "@example.com", Instant.now().plusSeconds(60));
                GroupwareSession session = GroupwareSession.login(emulator + "/appsuite/api", name, "secret-" + name);
                JsonNode keys = keyService(identity, "GET", "/api/keys", null);
                String fingerprint = keys.size() > 0 ? keys.get(0).path("fingerprint").asText()
                        : keyService(identity, "POST", "/api/keys", Map.of("password", PASSWORD)).path("fingerprint").asText();
                String token = keyService(identity, "POST", "/api/keys/unlock", Map.of("password", PASSWORD))
                        .path("unlockToken").asText();
                return new Person(name, identity, session, fingerprint, token);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** A JSON call to the key-service process as {@code user}; fails on anything but 2xx. */
    public static JsonNode keyService(InternalIdentity user, String method, String path, Object body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = keyServiceCall(user, method, path, "application/json",
                body == null ? null : JSON.writeValueAsBytes(body));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    /** A call to the key-service process as {@code user}, any body. */
    public static HttpResponse<String> keyServiceCall(InternalIdentity user, String method, String path, String contentType,
            byte[] body) throws IOException, InterruptedException {
        ServiceProcess keyService = TestCluster.get().keyService();
        URI uri = URI.create(keyService.url() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header(InternalIdentityCodec.HEADER, TestUsers.sign(user, method, uri.getHost() + ":" + uri.getPort(), path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The public key of {@code person}'s current key, armored. */
    public static String publicKey(Person person) throws IOException, InterruptedException {
        return keyServiceCall(person.identity(), "GET", "/api/keys/" + person.fingerprint() + "/public", null, null).body();
    }

    /** Adds a correspondent's public key to {@code person}'s keyring. */
    public static void addToKeyring(Person person, byte[] armored) throws IOException, InterruptedException {
        HttpResponse<String> response = keyServiceCall(person.identity(), "POST", "/api/keys/keyring",
                "application/pgp-keys", armored);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("keyring import: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** Puts {@code raw} into {@code email}'s INBOX as a mail from outside would arrive; its id. */
    public static String deliver(String emulator, String email, byte[] raw) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(emulator + "/emulator/mailboxes/"
                + URLEncoder.encode(email, StandardCharsets.UTF_8) + "/INBOX"))
                .header("Authorization", REST_AUTH).header("Content-Type", "message/rfc822")
                .POST(HttpRequest.BodyPublishers.ofByteArray(raw)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("delivery failed: HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("id").asText();
    }

    /** The emulator's counters (sessions re-created per node, ...). */
    public static JsonNode stats(String emulator) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(emulator + "/emulator/stats"))
                .header("Authorization", REST_AUTH).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The mails the emulator sent to {@code to} (outside the emulator), oldest first. */
    public static JsonNode outbox(String emulator, String to) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(emulator + "/emulator/outbox?to="
                + URLEncoder.encode(to, StandardCharsets.UTF_8))).header("Authorization", REST_AUTH).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The mails the emulator sent to outside recipients. */
    public static JsonNode outbox(String emulator) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(emulator + "/emulator/outbox"))
                .header("Authorization", REST_AUTH).build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
