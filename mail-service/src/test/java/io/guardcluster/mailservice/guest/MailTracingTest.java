package io.guardcluster.mailservice.guest;

import static io.guardcluster.mailservice.guest.GuestMailTest.NEW_PASSWORD;
import static io.guardcluster.mailservice.guest.GuestMailTest.TEXT;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.guardcluster.mailservice.MailWorld;
import io.guardcluster.mailservice.MailWorld.Person;
import io.guardcluster.mailservice.backend.EmulatorProcessResource;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.OtlpTraceSink;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Tracing switched on, exported over OTLP to a sink that keeps the raw bytes: a caller's W3C trace reaches the
 * groupware backend (the emulator notes the trace ids it is called with), the spans reach the collector, and
 * nothing secret is in any of them: not the groupware session id and JSESSIONID, not a guest link, guest
 * session or password, not the unlock token, not a word of the mail.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "filestoreService", value = "true"))
@QuarkusTestResource(value = EmulatorProcessResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OtlpTraceSink.Resource.class, restrictToAnnotatedClass = true)
class MailTracingTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @ConfigProperty(name = "guard.backend.rest.url")
    String emulator;

    @Test
    void aTraceGoesFromTheCallerToTheBackendAndNoSpanHoldsASecret() throws Exception {
        OtlpTraceSink sink = OtlpTraceSink.Resource.current();
        Person alice = MailWorld.person(emulator, "alice");

        String listing = randomHex(16);
        alice.mail().header("traceparent", traceparent(listing)).queryParam("folder", MailWorld.INBOX)
                .get("/api/mail/messages").then().statusCode(200);
        List<String> backendTraces = new ArrayList<>();
        for (JsonNode id : MailWorld.stats(emulator).path("traceIds")) {
            backendTraces.add(id.asText());
        }
        assertThat(backendTraces).as("the backend call continues the caller's trace").contains(listing);

        GuestMailTest.Invited invited = GuestMailTest.send(alice, emulator, GuestMailTest.newGuest(), "Verfolgt", TEXT);
        String guestTrace = randomHex(16);
        String guestSession = given().header("traceparent", traceparent(guestTrace)).contentType(ContentType.JSON)
                .body(Map.of("password", invited.initialPassword(), "newPassword", NEW_PASSWORD))
                .post("/api/guest/messages/" + invited.link() + "/session")
                .then().statusCode(200).extract().jsonPath().getString("session");
        given().header("traceparent", traceparent(guestTrace)).header("X-Guard-Guest-Session", guestSession)
                .get("/api/guest/messages/" + invited.link()).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> sink.hasTrace(listing) && sink.hasTrace(guestTrace));
        Map<String, String> secrets = Map.of(
                "groupware session id", alice.session().sessionId(),
                "JSESSIONID", alice.session().jsessionId(),
                "unlock token", alice.unlockToken(),
                "guest link", invited.link(),
                "guest's initial password", invited.initialPassword(),
                "guest's new password", NEW_PASSWORD,
                "guest session", guestSession,
                "mail text", "vertraulichen Zahlen");
        secrets.forEach((what, secret) -> assertThat(sink.contains(secret)).as("%s in an exported span", what).isFalse());
        assertThat(sink.contains("mail-service")).as("spans name their service").isTrue();
        assertThat(sink.contains("session=REDACTED")).as("URLs are kept, with the session masked").isTrue();
        assertThat(sink.contains("/api/guest/messages/{link}")).as("guest paths keep their route").isTrue();
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A sampled W3C trace context whose parent is the caller's span. */
    private static String traceparent(String traceId) {
        return "00-" + traceId + "-" + randomHex(8) + "-01";
    }
}
