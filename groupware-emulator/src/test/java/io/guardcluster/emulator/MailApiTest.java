package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.REST_PASSWORD;
import static io.guardcluster.emulator.Emulator.REST_USER;
import static io.guardcluster.emulator.Emulator.all;
import static io.guardcluster.emulator.Emulator.browser;
import static io.guardcluster.emulator.Emulator.drop;
import static io.guardcluster.emulator.Emulator.send;
import static io.guardcluster.emulator.Emulator.source;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;

import io.guardcluster.emulator.Emulator.LoggedIn;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** The mail module: sending raw MIME as the session's user, delivery, reading the source and the list. */
@QuarkusTest
class MailApiTest {

    private static final String INBOX = "default0/INBOX";
    private static final String SENT = "default0/Sent Items";

    @Test
    void sendingDeliversToUsersCapturesOutsideRecipientsAndKeepsASentCopy() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        LoggedIn bob = LoggedIn.as("bob", "secret-bob");
        String subject = "Quarterly " + System.nanoTime();
        String mime = "From: Alice Example <alice@example.com>\r\nTo: Bob <bob@example.com>\r\n"
                + "Bcc: dave@outside.example\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject.hashCode() + "@example.com>\r\n"
                + "Date: Tue, 3 Jun 2025 11:05:30 +0200\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nGr\u00fc\u00dfe,\r\n.leading dot stays\r\n";
        byte[] sent = mime.getBytes(StandardCharsets.UTF_8);
        byte[] transmitted = mime.replace("Bcc: dave@outside.example\r\n", "").getBytes(StandardCharsets.UTF_8);

        Response answer = send(alice, sent);
        answer.then().statusCode(200).contentType(ContentType.JSON).body("$", not(hasKey("error")))
                .body("data.folder_id", equalTo(SENT));

        // The sender's copy in the sent folder is the message as sent, Bcc included.
        assertThat(source(alice, SENT, answer.jsonPath().getString("data.id")).asByteArray()).isEqualTo(sent);

        // Bob's copy: the transmitted bytes (no Bcc) behind the delivering servers' trace fields.
        String bobsId = idWithSubject(bob, INBOX, subject);
        Response raw = source(bob, INBOX, bobsId);
        raw.then().statusCode(200).contentType("application/octet-stream")
                .header("Content-Disposition", "attachment; filename=\"" + subject + ".eml\"");
        byte[] delivered = raw.asByteArray();
        String text = new String(delivered, StandardCharsets.UTF_8);
        assertThat(text).startsWith("Return-Path: <alice@example.com>\r\nReceived: from groupware-emulator")
                .doesNotContain("Bcc:").contains("\tfor <bob@example.com>; ");
        assertThat(java.util.Arrays.copyOfRange(delivered, delivered.length - transmitted.length, delivered.length))
                .isEqualTo(transmitted);

        // The outside recipient's copy is captured in the outbox, once, without Bcc.
        JsonPath outbox = given().auth().preemptive().basic(REST_USER, REST_PASSWORD).queryParam("to", "dave@outside.example")
                .get("/emulator/outbox").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> captured = outbox.getList("findAll { it.subject == '" + subject + "' }");
        assertThat(captured).hasSize(1);
        assertThat(captured.get(0)).containsEntry("from", "alice@example.com").containsEntry("to", List.of("dave@outside.example"))
                .containsEntry("source", new String(transmitted, StandardCharsets.UTF_8));
    }

    @Test
    void theSourceAsJsonTextTheHeaderAndTheMailObject() {
        LoggedIn bob = LoggedIn.as("bob", "secret-bob");
        String mime = "From: carol@example.com\r\nTo: bob@example.com\r\nSubject: json\r\n\r\nbody\r\n";
        String id = drop("bob@example.com", "INBOX", mime.getBytes(StandardCharsets.US_ASCII)).then().statusCode(201)
                .body("folder_id", equalTo(INBOX)).extract().path("id");
        browser().cookies(bob.cookies()).queryParam("action", "get").queryParam("session", bob.sessionId())
                .queryParam("folder", INBOX).queryParam("id", id).queryParam("src", "1").get("/ajax/mail")
                .then().statusCode(200).contentType(ContentType.JSON).body("data", equalTo(mime));
        browser().cookies(bob.cookies()).queryParam("action", "get").queryParam("session", bob.sessionId())
                .queryParam("folder", INBOX).queryParam("id", id).queryParam("hdr", "1").get("/appsuite/api/mail")
                .then().statusCode(200).body("data", equalTo("From: carol@example.com\r\nTo: bob@example.com\r\nSubject: json\r\n\r\n"));
        browser().cookies(bob.cookies()).queryParam("action", "get").queryParam("session", bob.sessionId())
                .queryParam("folder", INBOX).queryParam("id", id).get("/appsuite/api/mail")
                .then().statusCode(200).body("data.id", equalTo(id)).body("data.folder_id", equalTo(INBOX))
                .body("data.from[0]", contains(null, "carol@example.com")).body("data.subject", equalTo("json"))
                .body("data.flags", equalTo(32));
    }

    @Test
    void allListsTheRequestedColumnsSortedAndLimited() {
        LoggedIn carol = LoggedIn.as("carol", "secret-carol");
        String older = "From: =?UTF-8?Q?J=C3=BCrgen?= <j@outside.example>\r\n"
                + "To: Team: carol@example.com, \"Bob, B.\" <bob@example.com>;\r\nCc: Undisclosed recipients:;\r\n"
                + "Subject: =?UTF-8?B?w5xiZXJzaWNodA==?=\r\nDate: Mon, 2 Jun 2025 08:00:00 +0000 (UTC)\r\nX-Priority: 1 (Highest)\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n";
        String newer = "From: bob@example.com\r\nTo: carol@example.com\r\nSubject: second\r\n\r\nhi\r\n";
        String olderId = drop("carol@example.com", "INBOX", older.getBytes(StandardCharsets.UTF_8)).then().extract().path("id");
        String newerId = drop("carol@example.com", "INBOX", newer.getBytes(StandardCharsets.UTF_8)).then().extract().path("id");

        Response list = all(carol, INBOX, "600,601,602,603,604,605,607,608,609,610,611,614,656,X-Priority");
        list.then().statusCode(200).body("timestamp", org.hamcrest.Matchers.notNullValue());
        List<List<Object>> rows = list.jsonPath().getList("data");
        List<Object> row = rows.stream().filter(r -> r.get(0).equals(olderId)).findFirst().orElseThrow();
        assertThat(row.get(1)).isEqualTo(INBOX);
        assertThat(row.get(2)).isEqualTo(true);
        assertThat(row.get(3)).isEqualTo(List.of(List.of("J\u00fcrgen", "j@outside.example")));
        assertThat(row.get(4)).isEqualTo(List.of(java.util.Arrays.asList(null, "carol@example.com"), List.of("Bob, B.", "bob@example.com")));
        assertThat(row.get(5)).isEqualTo(List.of());
        assertThat(row.get(6)).isEqualTo("\u00dcbersicht");
        assertThat(((Number) row.get(7)).longValue()).isEqualTo(older.getBytes(StandardCharsets.UTF_8).length);
        // "Time": UTC plus the offset of the user's time zone (carol: Europe/Berlin, CEST in June).
        long sentUtc = ZonedDateTime.parse("Mon, 2 Jun 2025 08:00:00 +0000", DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        assertThat(((Number) row.get(8)).longValue()).isEqualTo(sentUtc + TimeZone.getTimeZone("Europe/Berlin").getOffset(sentUtc));
        assertThat(row.get(10)).isEqualTo(0);
        assertThat(row.get(11)).isEqualTo(1);
        assertThat((String) row.get(12)).startsWith("multipart/mixed");
        assertThat(row.get(13)).isEqualTo("1 (Highest)");

        List<List<Object>> newestFirst = browser().cookies(carol.cookies()).queryParam("action", "all")
                .queryParam("session", carol.sessionId()).queryParam("folder", INBOX).queryParam("columns", "600")
                .queryParam("sort", "610").queryParam("order", "desc").queryParam("limit", "1")
                .get("/appsuite/api/mail").jsonPath().getList("data");
        assertThat(newestFirst).containsExactly(List.of(newerId));
    }

    @Test
    void aFromThatIsNotTheUsersAddressIsRefusedAndNothingIsSent() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        LoggedIn bob = LoggedIn.as("bob", "secret-bob");
        int before = all(bob, INBOX, "600").jsonPath().getList("data").size();
        send(alice, "From: Bob <bob@example.com>\r\nTo: bob@example.com\r\nSubject: spoof\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))
                .then().statusCode(200).body("code", equalTo("MSG-0056")).body("error_params", contains("bob@example.com"))
                .body("categories", equalTo("USER_INPUT")).body("$", not(hasKey("data")));
        assertThat(all(bob, INBOX, "600").jsonPath().getList("data")).hasSize(before);
    }

    @Test
    void withoutFromTheUsersAddressIsPutIn() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        String id = send(alice, "To: bob@example.com\r\nSubject: no from\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))
                .then().statusCode(200).extract().path("data.id");
        assertThat(source(alice, SENT, id).asString()).isEqualTo("From: alice@example.com\r\nTo: bob@example.com\r\nSubject: no from\r\n\r\nx\r\n");
    }

    @Test
    void sendingErrors() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        send(alice, "From: alice@example.com\r\nSubject: nobody\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))
                .then().statusCode(200).body("code", equalTo("SMTP-3006"));
        send(alice, "just text, no header\r\n".getBytes(StandardCharsets.US_ASCII))
                .then().statusCode(200).body("code", equalTo("MSG-0059"));
        browser().cookies(alice.cookies()).queryParam("action", "new").queryParam("session", alice.sessionId())
                .queryParam("copy2Sent", "false").contentType("text/plain")
                .body("From: alice@example.com\r\nTo: bob@example.com\r\nSubject: no copy\r\n\r\nx\r\n").put("/appsuite/api/mail")
                .then().statusCode(200).body("data", nullValue()).body("$", not(hasKey("error")));
    }

    @Test
    void unknownMailAndFolderAreTheOxErrorsWithHttp200() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        source(alice, INBOX, "999999").then().statusCode(200).contentType(ContentType.JSON)
                .body("code", equalTo("MSG-0032")).body("error_params", contains("999999", INBOX))
                .body("error", equalTo("Mail could not be found"))
                .body("error_desc", equalTo("Mail(s) 999999 could not be found in folder " + INBOX));
        source(alice, "default0/Nope", "1").then().statusCode(200).body("code", equalTo("MSG-0066"));
        all(alice, "default7/INBOX", "600").then().statusCode(200).body("code", equalTo("MSG-0066"));
        browser().cookies(alice.cookies()).queryParam("action", "get").queryParam("session", alice.sessionId())
                .queryParam("folder", INBOX).get("/appsuite/api/mail").then().body("code", equalTo("SVL-0002"))
                .body("error_params", contains("id"));
        browser().cookies(alice.cookies()).queryParam("action", "frobnicate").queryParam("session", alice.sessionId())
                .get("/appsuite/api/mail").then().body("code", equalTo("SVL-0021"));
    }

    @Test
    void everyCallNeedsTheSessionAndItsSecret() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        browser().queryParam("action", "all").queryParam("folder", INBOX).queryParam("columns", "600").get("/appsuite/api/mail")
                .then().statusCode(200).body("code", equalTo("SES-0201"));
        browser().cookies(alice.cookiesWithout("open-xchange-secret-")).queryParam("action", "all")
                .queryParam("session", alice.sessionId()).queryParam("folder", INBOX).queryParam("columns", "600")
                .get("/appsuite/api/mail").then().statusCode(200).body("code", equalTo("SES-0203"));
        browser().cookies(alice.cookiesWithout("open-xchange-secret-")).queryParam("action", "new")
                .queryParam("session", alice.sessionId()).contentType("text/plain")
                .body("From: alice@example.com\r\nTo: bob@example.com\r\n\r\nx\r\n").put("/appsuite/api/mail")
                .then().statusCode(200).body("code", equalTo("SES-0203"));
        browser().cookies(alice.cookiesWithout("open-xchange-secret-")).queryParam("action", "get")
                .queryParam("session", alice.sessionId()).queryParam("folder", INBOX).queryParam("id", "1")
                .queryParam("src", "1").queryParam("save", "1").get("/appsuite/api/mail")
                .then().statusCode(200).contentType(ContentType.JSON).body("code", equalTo("SES-0203"));
    }

    @Test
    void aLargeMessageTravelsByteForByte() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        LoggedIn bob = LoggedIn.as("bob", "secret-bob");
        byte[] blob = new byte[9 * 1024 * 1024];
        new Random(7).nextBytes(blob);
        String subject = "large " + System.nanoTime();
        byte[] mime = ("From: alice@example.com\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(blob) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(mime.length).isGreaterThan(10 * 1024 * 1024);
        String sentId = send(alice, mime).then().statusCode(200).body("$", not(hasKey("error"))).extract().path("data.id");
        assertThat(source(alice, SENT, sentId).asByteArray()).isEqualTo(mime);
        byte[] delivered = source(bob, INBOX, idWithSubject(bob, INBOX, subject)).asByteArray();
        assertThat(java.util.Arrays.copyOfRange(delivered, delivered.length - mime.length, delivered.length)).isEqualTo(mime);
    }

    @Test
    void theTestDropStoresExactlyWhatItGetsAndNeedsTheRestCredentials() {
        LoggedIn carol = LoggedIn.as("carol", "secret-carol");
        byte[] mime = "From: x@outside.example\nTo: carol@example.com\nSubject: bare LF, 8-bit \u00e4\n\n\u00ff\u0000 body\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        String id = drop("Carol@Example.com", "INBOX", mime).then().statusCode(201).extract().path("id");
        assertThat(source(carol, INBOX, id).asByteArray()).isEqualTo(mime);
        given().contentType("message/rfc822").body(mime).post("/emulator/mailboxes/carol@example.com/INBOX")
                .then().statusCode(401);
        drop("nobody@example.com", "INBOX", mime).then().statusCode(404);
        drop("carol@example.com", "Nope", mime).then().statusCode(404);
        drop("carol@example.com", "INBOX", "no header at all".getBytes(StandardCharsets.US_ASCII)).then().statusCode(400);
    }

    @Test
    void theOutboxCanBeEmptied() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        send(alice, "From: alice@example.com\r\nTo: eve@outside.example\r\nSubject: out\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))
                .then().statusCode(200);
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD).delete("/emulator/outbox")
                .then().statusCode(200).body("removed", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD).get("/emulator/outbox")
                .then().statusCode(200).body("size()", equalTo(0));
        given().get("/emulator/outbox").then().statusCode(401);
        given().delete("/emulator/outbox").then().statusCode(401);
    }

    @Test
    void statsCountTheMail() {
        LoggedIn alice = LoggedIn.as("alice", "secret-alice");
        JsonPath before = given().auth().preemptive().basic(REST_USER, REST_PASSWORD).get("/emulator/stats").jsonPath();
        send(alice, "From: alice@example.com\r\nTo: bob@example.com, z@outside.example\r\nSubject: count\r\n\r\nx\r\n"
                .getBytes(StandardCharsets.US_ASCII)).then().statusCode(200);
        JsonPath after = given().auth().preemptive().basic(REST_USER, REST_PASSWORD).get("/emulator/stats").jsonPath();
        assertThat(after.getLong("mailsSent") - before.getLong("mailsSent")).isEqualTo(1);
        assertThat(after.getLong("mailsDelivered") - before.getLong("mailsDelivered")).isEqualTo(1);
        assertThat(after.getLong("mailsToOutbox") - before.getLong("mailsToOutbox")).isEqualTo(1);
        assertThat(after.getLong("storedMessages")).isGreaterThan(before.getLong("storedMessages"));
    }

    private static String idWithSubject(LoggedIn user, String folder, String subject) {
        List<List<Object>> rows = all(user, folder, "600,607").then().statusCode(200).extract().jsonPath().getList("data");
        return rows.stream().filter(r -> subject.equals(r.get(1))).map(r -> (String) r.get(0)).findFirst()
                .orElseThrow(() -> new AssertionError("no mail '" + subject + "' in " + folder + ": " + rows));
    }
}
