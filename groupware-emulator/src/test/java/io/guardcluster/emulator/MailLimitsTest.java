package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.REST_PASSWORD;
import static io.guardcluster.emulator.Emulator.REST_USER;
import static io.guardcluster.emulator.Emulator.all;
import static io.guardcluster.emulator.Emulator.drop;
import static io.guardcluster.emulator.Emulator.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.guardcluster.emulator.Emulator.LoggedIn;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The mail storage's bounds: the largest message (the OX error MSG-0088) and the total it holds. */
@QuarkusTest
@TestProfile(MailLimitsTest.SmallLimits.class)
class MailLimitsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.emulator.mail.max-message-size", "64K", "guard.emulator.mail.max-stored-bytes", "200K");
        }
    }

    @Test
    void aMessageOverTheLimitIsMsg0088WithHttp200() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        byte[] tooLarge = message("too large", 64 * 1024 + 1);
        send(alice, tooLarge).then().statusCode(200).body("code", equalTo("MSG-0088"))
                .body("error_params", contains("64.00 KB")).body("categories", equalTo("USER_INPUT"));
        drop("bob@example.com", "INBOX", tooLarge).then().statusCode(413);
        send(alice, message("just fits", 64 * 1024)).then().statusCode(200).body("data.folder_id", equalTo("default0/Sent Items"));
    }

    @Test
    void aFullStorageDropsTheOldestMessages() {
        LoggedIn carol = LoggedIn.as("carol", "secret-carol");
        String first = drop("carol@example.com", "INBOX", message("first", 60 * 1024)).then().statusCode(201).extract().path("id");
        for (int i = 0; i < 4; i++) {
            drop("carol@example.com", "INBOX", message("more " + i, 60 * 1024)).then().statusCode(201);
        }
        List<List<Object>> ids = all(carol, "default0/INBOX", "600").jsonPath().getList("data");
        assertThat(ids).isNotEmpty().doesNotContain(List.of(first));
        long stored = given().auth().preemptive().basic(REST_USER, REST_PASSWORD).get("/emulator/stats").jsonPath()
                .getLong("storedBytes");
        assertThat(stored).isLessThanOrEqualTo(200 * 1024);
    }

    /** A message from alice to bob of exactly {@code size} bytes. */
    private static byte[] message(String subject, int size) {
        String head = "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\n\r\n";
        StringBuilder body = new StringBuilder();
        while (head.length() + body.length() < size) {
            body.append('x');
        }
        return (head + body).getBytes(StandardCharsets.US_ASCII);
    }
}
