package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.REST_PASSWORD;
import static io.guardcluster.emulator.Emulator.REST_USER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.guardcluster.emulator.smtp.SmtpSink;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The SMTP sink takes a message the way a mail client sends it and shows it at /emulator/mails. */
@QuarkusTest
@TestProfile(SmtpSinkTest.WithSmtp.class)
class SmtpSinkTest {

    public static class WithSmtp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.emulator.smtp.port", "0");
        }
    }

    @Inject
    SmtpSink sink;

    @Test
    void receivesAQuotedPrintableMessage() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", sink.port());
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220");
            assertThat(send(out, in, "EHLO client")).startsWith("250-");
            assertThat(in.readLine()).startsWith("250 ");
            assertThat(send(out, in, "DATA")).startsWith("503"); // no recipient yet
            assertThat(send(out, in, "MAIL FROM:<guard@localhost>")).startsWith("250");
            assertThat(send(out, in, "RCPT TO:<Dora@Example.com>")).startsWith("250");
            assertThat(send(out, in, "DATA")).startsWith("354");
            String message = "From: guard@localhost\r\nTo: dora@example.com\r\nSubject: Your temporary Guard password\r\n"
                    + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                    + "Temporary password: abc=3Ddef\r\nA long line that was soft-=\r\nbroken.\r\n..dot-stuffed\r\n.\r\n";
            out.write(message.getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250");
            assertThat(send(out, in, "QUIT")).startsWith("221");
        }
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD).queryParam("to", "dora@example.com")
                .get("/emulator/mails").then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].from", equalTo("guard@localhost"))
                .body("[0].subject", equalTo("Your temporary Guard password"))
                .body("[0].text", equalTo("Temporary password: abc=def\r\nA long line that was soft-broken.\r\n.dot-stuffed\r\n"));
        given().get("/emulator/mails").then().statusCode(401);
    }

    @Test
    void aMessageForAUserIsReadableThroughTheMailApi() throws Exception {
        String message = "From: guard@localhost\r\nTo: alice@example.com\r\nSubject: Your Guard key\r\n\r\n"
                + "Hello \u00e4\r\n..dot-stuffed\r\n";
        try (Socket socket = new Socket("127.0.0.1", sink.port());
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
            OutputStream out = socket.getOutputStream();
            in.readLine();
            assertThat(send(out, in, "HELO client")).startsWith("250");
            assertThat(send(out, in, "MAIL FROM:<guard@localhost>")).startsWith("250");
            assertThat(send(out, in, "RCPT TO:<alice@example.com>")).startsWith("250");
            assertThat(send(out, in, "RCPT TO:<someone@outside.example>")).startsWith("250");
            assertThat(send(out, in, "DATA")).startsWith("354");
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250");
            assertThat(send(out, in, "QUIT")).startsWith("221");
        }
        Emulator.LoggedIn alice = Emulator.LoggedIn.as("alice", "secret-alice");
        java.util.List<java.util.List<Object>> rows = Emulator.all(alice, "default0/INBOX", "600,607").jsonPath().getList("data");
        String id = rows.stream().filter(r -> "Your Guard key".equals(r.get(1))).map(r -> (String) r.get(0)).findFirst().orElseThrow();
        String source = new String(Emulator.source(alice, "default0/INBOX", id).asByteArray(), StandardCharsets.UTF_8);
        assertThat(source).startsWith("Return-Path: <guard@localhost>\r\n")
                .endsWith(message.replace("..dot", ".dot"));
        // The capture keeps everything, the outside recipient included.
        given().auth().preemptive().basic(REST_USER, REST_PASSWORD).queryParam("to", "someone@outside.example")
                .get("/emulator/mails").then().statusCode(200).body("subject", org.hamcrest.Matchers.hasItem("Your Guard key"));
    }

    private static String send(OutputStream out, BufferedReader in, String line) throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return in.readLine();
    }
}
