package io.guardcluster.mailservice;

import static io.guardcluster.mailservice.MailWorld.INBOX;
import static io.guardcluster.mailservice.MailWorld.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.guardcluster.mailservice.MailWorld.Person;
import io.guardcluster.mailservice.backend.EmulatorProcessResource;
import io.guardcluster.mailservice.mime.MimeParser;
import io.guardcluster.mailservice.mime.MimePart;
import io.guardcluster.mailservice.mime.PgpStructure;
import io.guardcluster.testing.GpgHome;
import io.guardcluster.testing.Processes;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.SecretScanner;
import io.guardcluster.testing.TestCluster;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Reading and sending mail end to end: mail-service against the real groupware emulator (two nodes behind its
 * cookie-routing front), the real key-service process (keys, session keys, signatures), and GnuPG and Sequoia as the
 * other side. Alice and bob are the emulator's demo users with Guard keys; dave is someone outside with a gpg key.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "keyService", value = "true"))
@QuarkusTestResource(value = EmulatorProcessResource.class, restrictToAnnotatedClass = true)
class MailApiTest {

    private static final String DAVE = "dave@elsewhere.example";
    private static final String TEXT = "Hallo Alice,\r\ndie Zahlen für Q3 sind da: 42 € Gewinn.\r\n-- \r\nDave\r\n";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ConfigProperty(name = "guard.backend.rest.url")
    String emulator;

    private static GpgHome gpg;
    private static String daveFingerprint;

    @BeforeAll
    static void outside() {
        gpg = new GpgHome();
        daveFingerprint = gpg.generate(DAVE);
    }

    @AfterAll
    static void stop() {
        if (gpg != null) {
            gpg.close();
        }
    }

    private Person alice() {
        return MailWorld.person(emulator, "alice");
    }

    private Person bob() {
        return MailWorld.person(emulator, "bob");
    }

    /** alice's public key in dave's gpg, dave's in alice's keyring: they have corresponded before. */
    private void daveKnowsAlice() throws Exception {
        gpg.gpg(MailWorld.publicKey(alice()).getBytes(StandardCharsets.US_ASCII), "--import").ok();
        MailWorld.addToKeyring(alice(), gpg.gpg(null, "--armor", "--export", daveFingerprint).ok().stdout());
    }

    private static String pgpMime(String from, String to, String subject, String armored) {
        return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b0undary\"\r\n\r\n"
                + "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n--b0undary\r\n"
                + "Content-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--b0undary\r\n"
                + "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n" + armored.replace("\n", "\r\n")
                        .replace("\r\r\n", "\r\n")
                + "\r\n--b0undary--\r\n";
    }

    private static final String INNER = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + TEXT;

    private JsonPath read(Person reader, String id) {
        return reader.mail().header("X-Guard-Unlock-Token", reader.unlockToken()).queryParam("folder", INBOX)
                .queryParam("id", id).get("/api/mail/message").then().statusCode(200).extract().jsonPath();
    }

    // --- reading what others sent ---------------------------------------------------------------------------

    @Test
    void aPgpMimeMailGpgEncryptedAndSignedReadsWithAValidSignature() throws Exception {
        daveKnowsAlice();
        String armored = gpg.gpg(INNER.getBytes(StandardCharsets.UTF_8), "--armor", "--sign", "--local-user", daveFingerprint,
                "--encrypt", "--recipient", alice().fingerprint(), "--output", "-").ok().out();
        String id = MailWorld.deliver(emulator, alice().email(),
                pgpMime("Dave <" + DAVE + ">", alice().email(), "Quartalszahlen", armored).getBytes(StandardCharsets.UTF_8));

        JsonPath mail = read(alice(), id);
        assertThat(mail.getString("text")).isEqualTo(TEXT);
        assertThat(mail.getString("headers.subject")).isEqualTo("Quartalszahlen");
        assertThat(mail.getBoolean("security.encrypted")).isTrue();
        assertThat(mail.getString("security.format")).isEqualTo("pgp-mime");
        assertThat(mail.getList("security.signatures")).hasSize(1);
        assertThat(mail.getString("security.signatures[0].status")).isEqualTo("valid");
        assertThat(mail.getString("security.signatures[0].fingerprint")).isEqualTo(daveFingerprint);
        assertThat(mail.getString("security.signatures[0].signer")).isEqualTo(DAVE);
        // decrypted content is not kept: the same read again decrypts again, same answer
        assertThat(read(alice(), id).getString("text")).isEqualTo(TEXT);
        // the bulk crypto is measured (latency and bytes), the reads counted by format
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("guard_mail_crypto_seconds_count{operation=\"decrypt\"")
                .contains("guard_mail_crypto_bytes_sum{operation=\"decrypt\"")
                .containsPattern("guard_mail_read_total\\{.*format=\"pgp-mime\"");
    }

    @Test
    void aMailSequoiaEncryptedAndSignedReadsWithAValidSignature() throws Exception {
        Path home = gpg.home();
        gpg.run(null, "sqop", "generate-key", "Erin <erin@sequoia.example>").ok();
        byte[] erinKey = gpg.run(null, "sqop", "generate-key", "Erin <erin@sequoia.example>").ok().stdout();
        Files.write(home.resolve("erin.key"), erinKey);
        byte[] erinCert = gpg.run(erinKey, "sqop", "extract-cert").ok().stdout();
        MailWorld.addToKeyring(alice(), erinCert);
        Files.writeString(home.resolve("alice.cert"), MailWorld.publicKey(alice()));
        String armored = gpg.run(INNER.getBytes(StandardCharsets.UTF_8), "sqop", "encrypt", "--sign-with",
                home.resolve("erin.key").toString(), home.resolve("alice.cert").toString()).ok().out();
        String id = MailWorld.deliver(emulator, alice().email(),
                pgpMime("Erin <erin@sequoia.example>", alice().email(), "von Sequoia", armored).getBytes(StandardCharsets.UTF_8));

        JsonPath mail = read(alice(), id);
        assertThat(mail.getString("text")).isEqualTo(TEXT);
        assertThat(mail.getString("security.signatures[0].status")).isEqualTo("valid");
        assertThat(mail.getString("security.signatures[0].signer")).isEqualTo("erin@sequoia.example");
    }

    @Test
    void inlinePgpAndACleartextSignatureFromGpgRead() throws Exception {
        daveKnowsAlice();
        String armored = gpg.gpg(TEXT.getBytes(StandardCharsets.UTF_8), "--armor", "--sign", "--local-user", daveFingerprint,
                "--encrypt", "--recipient", alice().fingerprint(), "--output", "-").ok().out();
        String inline = "From: " + DAVE + "\r\nTo: " + alice().email() + "\r\nSubject: inline\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + armored.replace("\n", "\r\n");
        JsonPath mail = read(alice(), MailWorld.deliver(emulator, alice().email(), inline.getBytes(StandardCharsets.UTF_8)));
        assertThat(mail.getString("text").strip()).isEqualTo(TEXT.strip());
        assertThat(mail.getString("security.format")).isEqualTo("inline");
        assertThat(mail.getBoolean("security.encrypted")).isTrue();
        assertThat(mail.getString("security.signatures[0].status")).isEqualTo("valid");

        String clearsigned = gpg.gpg("Nur signiert, nicht verschlüsselt.\n".getBytes(StandardCharsets.UTF_8), "--clearsign",
                "--local-user", daveFingerprint, "--output", "-").ok().out();
        String signedMail = "From: " + DAVE + "\r\nTo: " + alice().email() + "\r\nSubject: signed\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + clearsigned.replace("\n", "\r\n");
        JsonPath signed = read(alice(), MailWorld.deliver(emulator, alice().email(), signedMail.getBytes(StandardCharsets.UTF_8)));
        assertThat(signed.getBoolean("security.encrypted")).isFalse();
        assertThat(signed.getString("security.signatures[0].status")).isEqualTo("valid");
        assertThat(signed.getString("text")).contains("Nur signiert, nicht verschlüsselt.");

        // the same text changed after signing: invalid, and still shown
        String changed = signedMail.replace("Nur signiert", "Nicht signiert");
        JsonPath forged = read(alice(), MailWorld.deliver(emulator, alice().email(), changed.getBytes(StandardCharsets.UTF_8)));
        assertThat(forged.getString("security.signatures[0].status")).isEqualTo("invalid");
    }

    @Test
    void aSignatureByAnUnknownKeyIsReportedAsSuch() throws Exception {
        GpgHome stranger = new GpgHome();
        try {
            String fingerprint = stranger.generate("stranger@elsewhere.example");
            stranger.gpg(MailWorld.publicKey(alice()).getBytes(StandardCharsets.US_ASCII), "--import").ok();
            String armored = stranger.gpg(INNER.getBytes(StandardCharsets.UTF_8), "--armor", "--sign", "--local-user",
                    fingerprint, "--encrypt", "--recipient", alice().fingerprint(), "--output", "-").ok().out();
            JsonPath mail = read(alice(), MailWorld.deliver(emulator, alice().email(), pgpMime(
                    "stranger@elsewhere.example", alice().email(), "hi", armored).getBytes(StandardCharsets.UTF_8)));
            assertThat(mail.getString("text")).isEqualTo(TEXT);
            assertThat(mail.getString("security.signatures[0].status")).isEqualTo("unknown-signer");
        } finally {
            stranger.close();
        }
    }

    // --- sending ---------------------------------------------------------------------------------------------

    @Test
    void whatMailServiceSendsGpgDecryptsAndVerifiesAndTheRecipientReads() throws Exception {
        String subject = "Grüße aus dem Büro ✓";
        String text = "Hallo Bob,\nanbei der Bericht.\n\nÄrger gibt es keinen.\n";
        byte[] report = "%PDF-1.4 not really a pdf, but binary: \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        JsonPath sent = alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType(ContentType.JSON)
                .body(Map.of("to", List.of("Bob Example <" + bob().email() + ">"), "subject", subject, "text", text,
                        "html", "<p>Hallo Bob,</p><p>anbei der <b>Bericht</b>.</p>",
                        "attachments", List.of(Map.of("name", "Bericht Q3 – final.pdf", "contentType", "application/pdf",
                                "content", Base64.getEncoder().encodeToString(report)))))
                .post("/api/mail/send").then().statusCode(200).extract().jsonPath();
        assertThat(sent.getBoolean("encrypted")).isTrue();
        assertThat(sent.getBoolean("signed")).isTrue();
        assertThat(sent.getString("format")).isEqualTo("pgp-mime");
        assertThat(sent.getString("recipients[0].source")).isEqualTo("guard");

        String id = newest(bob());
        // bob reads it through mail-service
        JsonPath mail = read(bob(), id);
        assertThat(mail.getString("headers.subject")).isEqualTo(subject);
        assertThat(mail.getString("text")).isEqualTo(text.replace("\n", "\r\n"));
        assertThat(mail.getString("html")).contains("<b>Bericht</b>");
        assertThat(mail.getBoolean("security.htmlCleaned")).as("nothing to clean in that HTML").isFalse();
        assertThat(mail.getString("security.signatures[0].status")).isEqualTo("valid");
        assertThat(mail.getString("security.signatures[0].fingerprint")).isEqualTo(alice().fingerprint());
        assertThat(mail.getList("attachments")).hasSize(1);
        assertThat(mail.getString("attachments[0].name")).isEqualTo("Bericht Q3 – final.pdf");
        byte[] downloaded = bob().mail().header("X-Guard-Unlock-Token", bob().unlockToken()).queryParam("folder", INBOX)
                .queryParam("id", id).queryParam("part", mail.getString("attachments[0].part"))
                .get("/api/mail/message/attachment").then().statusCode(200).header("Content-Disposition",
                        containsString("filename*=UTF-8''Bericht%20Q3%20%E2%80%93%20final.pdf"))
                .extract().asByteArray();
        assertThat(downloaded).isEqualTo(report);

        // and gpg, with bob's exported key, decrypts the raw mail and verifies alice's signature
        byte[] raw = rawMail(bob(), id);
        MimePart outer = new MimeParser().parse(raw);
        assertThat(outer.contentType().is("multipart/encrypted")).isTrue();
        assertThat(outer.contentType().parameter("protocol")).contains("application/pgp-encrypted");
        assertThat(outer.children().get(0).mimeType()).isEqualTo("application/pgp-encrypted");
        assertThat(new String(outer.children().get(0).body(), StandardCharsets.US_ASCII)).contains("Version: 1");
        assertThat(outer.decodedHeader("Subject")).contains("..."); // the real subject is protected inside
        assertThat(outer.header("Autocrypt")).isPresent();

        GpgHome bobsGpg = new GpgHome();
        try {
            String exportPassword = "export-" + PASSWORD;
            HttpResponse<String> export = MailWorld.keyServiceCall(bob().identity(), "POST",
                    "/api/keys/" + bob().fingerprint() + "/export", "application/json",
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(
                            Map.of("password", PASSWORD, "exportPassword", exportPassword)));
            assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
            String secret = export.body();
            bobsGpg.gpg(secret.getBytes(StandardCharsets.US_ASCII), "--pinentry-mode", "loopback", "--passphrase",
                    exportPassword, "--import").ok();
            bobsGpg.gpg(MailWorld.publicKey(alice()).getBytes(StandardCharsets.US_ASCII), "--import").ok();
            byte[] inner = bobsGpg.gpg(outer.children().get(1).body(), "--pinentry-mode", "loopback", "--passphrase",
                    exportPassword, "--decrypt", "--output", "-").ok().stdout();
            PgpStructure structure = PgpStructure.classify(new MimeParser().parse(inner));
            assertThat(structure).isInstanceOf(PgpStructure.Signed.class);
            PgpStructure.Signed signed = (PgpStructure.Signed) structure;
            assertThat(signed.micalg()).startsWith("pgp-sha");
            bobsGpg.write("signed.data", signed.signedData());
            bobsGpg.write("signed.asc", signed.signature().bytes());
            Processes.Result verify = bobsGpg.gpg(null, "--status-fd", "2", "--verify", "signed.asc", "signed.data");
            assertThat(verify.exit()).as(verify.stderr()).isZero();
            assertThat(verify.stderr()).contains("[GNUPG:] GOODSIG").contains("[GNUPG:] VALIDSIG " + alice().fingerprint());
        } finally {
            bobsGpg.close();
        }
    }

    @Test
    void inlineMailWithAnAttachmentRoundTripsAndGpgReadsTheText() throws Exception {
        String text = "Inline, bitte. Zeile zwei: ü\n";
        byte[] file = "attachment content\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
        alice().mail().header("X-Guard-Password", PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("to", List.of(bob().email()), "subject", "inline", "text", text, "format", "inline",
                        "attachments", List.of(Map.of("name", "daten.csv", "contentType", "text/csv",
                                "content", Base64.getEncoder().encodeToString(file)))))
                .post("/api/mail/send").then().statusCode(200).body("format", is("inline"));
        String id = newest(bob());
        JsonPath mail = read(bob(), id);
        assertThat(mail.getString("security.format")).isEqualTo("inline");
        assertThat(mail.getString("text")).isEqualTo(text);
        assertThat(mail.getString("security.signatures[0].status")).isEqualTo("valid");
        assertThat(mail.getString("attachments[0].name")).isEqualTo("daten.csv");
        assertThat(mail.getBoolean("attachments[0].encrypted")).isTrue();
        byte[] downloaded = bob().mail().header("X-Guard-Unlock-Token", bob().unlockToken()).queryParam("folder", INBOX)
                .queryParam("id", id).queryParam("part", mail.getString("attachments[0].part"))
                .get("/api/mail/message/attachment").then().statusCode(200).extract().asByteArray();
        assertThat(downloaded).isEqualTo(file);
        assertThat(new String(rawMail(bob(), id), StandardCharsets.US_ASCII)).contains("-----BEGIN PGP MESSAGE-----");
    }

    @Test
    void signedOnlyMailsVerifyPgpMimeAndCleartext() throws Exception {
        for (String format : List.of("pgp-mime", "inline")) {
            alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType(ContentType.JSON)
                    .body(Map.of("to", List.of(bob().email()), "subject", "signed " + format,
                            "text", "- eine Zeile mit Strich\nFrom the start\nnur signiert   \n", "format", format, "encrypt", false))
                    .post("/api/mail/send").then().statusCode(200).body("encrypted", is(false)).body("signed", is(true));
            JsonPath mail = read(bob(), newest(bob()));
            assertThat(mail.getBoolean("security.encrypted")).as(format).isFalse();
            assertThat(mail.getString("security.signatures[0].status")).as(format).isEqualTo("valid");
            assertThat(mail.getString("text")).as(format).contains("- eine Zeile mit Strich");
        }
    }

    // --- what goes wrong ------------------------------------------------------------------------------------

    @Test
    void everyDecryptionFailureLooksTheSameAndNothingDecryptedLeaks() throws Exception {
        daveKnowsAlice();
        String armored = gpg.gpg(INNER.getBytes(StandardCharsets.UTF_8), "--armor", "--encrypt", "--recipient",
                alice().fingerprint(), "--output", "-").ok().out();
        // changed ciphertext: a character in the middle of the armor's base64
        int middle = armored.indexOf("\n\n") + (armored.length() - armored.indexOf("\n\n")) / 2;
        char replaced = armored.charAt(middle) == 'A' ? 'B' : 'A';
        String tampered = armored.substring(0, middle) + replaced + armored.substring(middle + 1);
        tampered = tampered.replaceAll("\n=[A-Za-z0-9+/]{4}\n", "\n"); // without the CRC, so the body must catch it
        // a message for someone else (dave)
        String notForAlice = gpg.gpg(INNER.getBytes(StandardCharsets.UTF_8), "--armor", "--encrypt", "--recipient",
                daveFingerprint, "--output", "-").ok().out();

        Map<String, String> answers = new LinkedHashMap<>();
        for (Map.Entry<String, String> variant : Map.of("tampered", tampered, "not for alice", notForAlice).entrySet()) {
            String id = MailWorld.deliver(emulator, alice().email(), pgpMime(DAVE, alice().email(), "broken",
                    variant.getValue()).getBytes(StandardCharsets.UTF_8));
            answers.put(variant.getKey(), alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken())
                    .queryParam("folder", INBOX).queryParam("id", id).get("/api/mail/message").then().statusCode(422)
                    .contentType("application/problem+json").body("type", is("urn:guard:problem:cannot-decrypt"))
                    .extract().jsonPath().getString("detail"));
        }
        assertThat(answers.values()).as("one answer for every decryption failure").containsOnly(answers.get("tampered"));

        // missing parts and broken MIME: a clear 422 that says the structure is wrong
        String onePart = "From: " + DAVE + "\r\nTo: " + alice().email() + "\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b\"\r\n\r\n--b\r\n"
                + "Content-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--b--\r\n";
        String id = MailWorld.deliver(emulator, alice().email(), onePart.getBytes(StandardCharsets.US_ASCII));
        alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).queryParam("folder", INBOX).queryParam("id", id)
                .get("/api/mail/message").then().statusCode(422).contentType("application/problem+json")
                .body("type", is("urn:guard:problem:malformed-mail"));

        // wrong password: key-service's 403 passes; unknown mail: 404; missing parameters: 400
        String good = MailWorld.deliver(emulator, alice().email(), pgpMime(DAVE, alice().email(), "ok", gpg.gpg(
                INNER.getBytes(StandardCharsets.UTF_8), "--armor", "--encrypt", "--recipient", alice().fingerprint(),
                "--output", "-").ok().out()).getBytes(StandardCharsets.UTF_8));
        String wrong = alice().mail().header("X-Guard-Password", "not the password").queryParam("folder", INBOX)
                .queryParam("id", good).get("/api/mail/message").then().statusCode(403)
                .contentType("application/problem+json").extract().asString();
        alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).queryParam("folder", INBOX)
                .queryParam("id", "999999").get("/api/mail/message").then().statusCode(404)
                .contentType("application/problem+json");
        alice().mail().queryParam("id", good).get("/api/mail/message").then().statusCode(400)
                .body("type", is("urn:guard:problem:missing-folder"));

        SecretScanner scanner = SecretScanner.forFile(TestCluster.get().masterKeyFile())
                .alsoForbidding(PASSWORD, alice().unlockToken(), "die Zahlen für Q3", "not the password");
        for (String answer : answers.values()) {
            scanner.assertClean("a decryption failure's answer", answer);
        }
        scanner.assertClean("the wrong-password answer", wrong);
        scanner.assertClean("the service log", Files.readString(Path.of(ConfigProvider.getConfig()
                .getValue("quarkus.log.file.path", String.class))));
        scanner.assertClean("/q/metrics", io.restassured.RestAssured.get("/q/metrics").then().extract().asString());
    }

    @Test
    void badSendRequestsAreRefusedAndSendNothing() throws Exception {
        int before = count(bob());
        Map<String, Object> noRecipients = Map.of("subject", "x", "text", "y");
        Map<String, Object> badAddress = Map.of("to", List.of("not an address"), "text", "y");
        Map<String, Object> inlineHtml = Map.of("to", List.of(bob().email()), "html", "<b>x</b>", "format", "inline");
        Map<String, Object> badFormat = Map.of("to", List.of(bob().email()), "text", "y", "format", "smime");
        Map<String, Object> badAttachment = Map.of("to", List.of(bob().email()), "text", "y",
                "attachments", List.of(Map.of("name", "a.bin", "content", "%%% not base64")));
        for (Map<String, Object> body : List.of(noRecipients, badAddress, inlineHtml, badFormat, badAttachment)) {
            alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType(ContentType.JSON).body(body)
                    .post("/api/mail/send").then().statusCode(400).contentType("application/problem+json");
        }
        alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType(ContentType.JSON)
                .body("{\"to\": [").post("/api/mail/send").then().statusCode(400);
        // signing without the password
        alice().mail().contentType(ContentType.JSON).body(Map.of("to", List.of(bob().email()), "text", "y"))
                .post("/api/mail/send").then().statusCode(400);
        assertThat(count(bob())).as("nothing was sent").isEqualTo(before);
    }

    @Test
    void aMimeMessageComposedElsewhereIsSentEncryptedAndSigned() throws Exception {
        String mime = "From: " + alice().email() + "\r\nTo: Bob Example <" + bob().email() + ">\r\n"
                + "Subject: =?UTF-8?Q?aus_dem_Mailprogramm_=C3=BC?=\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSelbst gebaut: ü\r\n"
                + "--x\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "AAECAwQF\r\n--x--\r\n";
        alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType("message/rfc822")
                .body(mime.getBytes(StandardCharsets.UTF_8)).post("/api/mail/send").then().statusCode(200)
                .body("encrypted", is(true)).body("signed", is(true));
        JsonPath mail = read(bob(), newest(bob()));
        assertThat(mail.getString("headers.subject")).isEqualTo("aus dem Mailprogramm ü");
        assertThat(mail.getString("text")).contains("Selbst gebaut: ü");
        assertThat(mail.getString("attachments[0].name")).isEqualTo("data.bin");
        assertThat(mail.getString("security.signatures[0].status")).isEqualTo("valid");

        // someone else's From, or no MIME at all: 400, nothing sent
        int before = count(bob());
        alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType("message/rfc822")
                .body(mime.replace("From: " + alice().email(), "From: ceo@example.com").getBytes(StandardCharsets.UTF_8))
                .post("/api/mail/send").then().statusCode(400).body("type", is("urn:guard:problem:invalid-sender"));
        alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType("message/rfc822")
                .body(new byte[0]).post("/api/mail/send").then().statusCode(400);
        assertThat(count(bob())).isEqualTo(before);
    }

    @Test
    void aRecipientWhoseKeyIsRevokedIsRefusedWithTheReasonAndTheirOldSignaturesSaySo() throws Exception {
        Person carol = MailWorld.person(emulator, "carol");
        // carol signs a mail to bob while her key is good
        carol.mail().header("X-Guard-Unlock-Token", carol.unlockToken()).contentType(ContentType.JSON)
                .body(Map.of("to", List.of(bob().email()), "subject", "before", "text", "signed while good"))
                .post("/api/mail/send").then().statusCode(200);
        String signedBefore = newest(bob());
        assertThat(read(bob(), signedBefore).getString("security.signatures[0].status")).isEqualTo("valid");
        MailWorld.keyService(carol.identity(), "POST", "/api/keys/" + carol.fingerprint() + "/revoke",
                Map.of("reason", "compromised", "password", PASSWORD));
        // revoked since: the signature proves nothing any more, and the reader is told why
        assertThat(read(bob(), signedBefore).getString("security.signatures[0].status")).isEqualTo("revoked-key");
        int before = count(bob());
        alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType(ContentType.JSON)
                .body(Map.of("to", List.of(bob().email(), carol.email()), "text", "for both"))
                .post("/api/mail/send").then().statusCode(422).contentType("application/problem+json")
                .body("type", is("urn:guard:problem:recipient-key-unusable"))
                .body("detail", containsString(carol.email())).body("detail", containsString("revoked"));
        assertThat(count(bob())).as("not sent to anybody").isEqualTo(before);
    }

    /** A new key replaces the old one for encryption; what the old one signed stays valid (replaced is not revoked). */
    @Test
    void aSignatureByTheSendersPreviousKeyStaysValid() throws Exception {
        // Needs carol's first key still good: JUnit's (deterministic) method order runs this before the test that
        // revokes it, and this one leaves her as it found her.
        Person carol = MailWorld.person(emulator, "carol");
        carol.mail().header("X-Guard-Unlock-Token", carol.unlockToken()).contentType(ContentType.JSON)
                .body(Map.of("to", List.of(bob().email()), "subject", "vor dem Schlüsselwechsel", "text", "signiert"))
                .post("/api/mail/send").then().statusCode(200);
        String id = newest(bob());
        String replacement = MailWorld.keyService(carol.identity(), "POST", "/api/keys",
                Map.of("password", MailWorld.PASSWORD)).path("fingerprint").asText();
        try {
            assertThat(replacement).isNotEqualTo(carol.fingerprint());
            JsonPath mail = read(bob(), id);
            assertThat(mail.getString("security.signatures[0].status")).isEqualTo("valid");
            assertThat(mail.getString("security.signatures[0].fingerprint")).isEqualTo(carol.fingerprint());
        } finally {
            // carol as she was, with her one key: other tests revoke it and expect her to have no other.
            MailWorld.keyService(carol.identity(), "PUT", "/api/keys/" + carol.fingerprint() + "/current", null);
            MailWorld.keyService(carol.identity(), "DELETE", "/api/keys/" + replacement,
                    Map.of("password", MailWorld.PASSWORD));
        }
    }

    /** Decrypted HTML reaches the reader cleaned: nothing runs, nothing loads from the network (EFAIL). */
    @Test
    void decryptedHtmlIsCleanedBeforeTheReaderGetsIt() throws Exception {
        alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType(ContentType.JSON)
                .body(Map.of("to", List.of(bob().email()), "subject", "Bilder", "text", "siehe HTML",
                        "html", "<p onmouseover=\"steal()\">Hallo</p><script>steal()</script>"
                                + "<img src=\"https://tracker.example/pixel.gif\"><a href=\"https://example.com/\">Link</a>"))
                .post("/api/mail/send").then().statusCode(200);
        JsonPath mail = read(bob(), newest(bob()));
        assertThat(mail.getString("html")).contains("<p>Hallo</p>", "https://example.com/", "noreferrer")
                .doesNotContain("steal", "tracker.example", "script");
        assertThat(mail.getBoolean("security.htmlCleaned")).isTrue();
        assertThat(mail.getBoolean("security.encrypted")).isTrue();
    }

    // --- the user's own session ----------------------------------------------------------------------------

    @Test
    void withJsessionIdForwardedNoSessionIsRecreatedAndWithoutItSomeAre() throws Exception {
        Person alice = alice();
        long before = MailWorld.stats(emulator).path("sessionsRecreated").asLong();
        for (int i = 0; i < 40; i++) {
            alice.mail().queryParam("folder", INBOX).get("/api/mail/messages").then().statusCode(200);
        }
        assertThat(MailWorld.stats(emulator).path("sessionsRecreated").asLong()).as("with JSESSIONID").isEqualTo(before);

        String withoutRoute = alice.session().cookies().entrySet().stream().filter(e -> !e.getKey().equals("JSESSIONID"))
                .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + "; " + b).orElseThrow();
        for (int i = 0; i < 10; i++) {
            io.restassured.RestAssured.given().filter(io.guardcluster.testing.TestUsers.as(alice.identity()))
                    .queryParam("session", alice.session().sessionId()).header("Cookie", withoutRoute)
                    .header("User-Agent", alice.session().userAgent()).queryParam("folder", INBOX)
                    .get("/api/mail/messages").then().statusCode(200);
        }
        assertThat(MailWorld.stats(emulator).path("sessionsRecreated").asLong()).as("without JSESSIONID")
                .isGreaterThan(before);
    }

    @Test
    void aSessionTheGroupwareDoesNotKnowIsA401() {
        io.restassured.RestAssured.given().filter(io.guardcluster.testing.TestUsers.as(alice().identity()))
                .queryParam("session", "0123456789abcdef0123456789abcdef")
                .header("Cookie", alice().session().cookieHeader()).header("User-Agent", alice().session().userAgent())
                .queryParam("folder", INBOX).get("/api/mail/messages").then().statusCode(401)
                .contentType("application/problem+json");
    }

    // --- Autocrypt ------------------------------------------------------------------------------------------

    @Test
    void anAutocryptHeaderBringsTheSendersKeyIntoTheKeyringAndOutgoingMailCarriesOurs() throws Exception {
        GpgHome gina = new GpgHome();
        try {
            String fingerprint = gina.generate("gina@autocrypt.example");
            byte[] key = gina.gpg(null, "--export", fingerprint).ok().stdout();
            String keydata = Base64.getMimeEncoder(76, "\r\n ".getBytes(StandardCharsets.US_ASCII)).encodeToString(key);
            String plain = "From: Gina <gina@autocrypt.example>\r\nTo: " + alice().email() + "\r\nSubject: hello\r\n"
                    + "Autocrypt: addr=gina@autocrypt.example; prefer-encrypt=mutual; keydata=\r\n " + keydata + "\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHi Alice!\r\n";
            JsonPath mail = read(alice(), MailWorld.deliver(emulator, alice().email(), plain.getBytes(StandardCharsets.US_ASCII)));
            assertThat(mail.getString("autocrypt.fingerprint")).isEqualTo(fingerprint);
            assertThat(mail.getBoolean("autocrypt.imported")).isTrue();
            assertThat(mail.getBoolean("security.encrypted")).isFalse();

            // alice can now write to gina encrypted: the key comes from her keyring
            alice().mail().header("X-Guard-Unlock-Token", alice().unlockToken()).contentType(ContentType.JSON)
                    .body(Map.of("to", List.of("gina@autocrypt.example"), "subject", "re: hello", "text", "Hi Gina!"))
                    .post("/api/mail/send").then().statusCode(200)
                    .body("recipients[0].source", equalTo("keyring")).body("recipients[0].fingerprint", equalTo(fingerprint));
            String out = MailWorld.outbox(emulator).findValues("source").stream().map(n -> n.asText())
                    .filter(s -> s.contains("gina@autocrypt.example")).reduce((a, b) -> b).orElseThrow();
            gina.write("to-gina.eml", out.getBytes(StandardCharsets.UTF_8));
            MimePart outer = new MimeParser().parse(out.getBytes(StandardCharsets.UTF_8));
            byte[] inner = gina.gpg(outer.children().get(1).body(), "--decrypt", "--output", "-").ok().stdout();
            assertThat(new String(inner, StandardCharsets.UTF_8)).contains("Hi Gina!");
        } finally {
            gina.close();
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------

    /** The id of the newest mail in {@code person}'s INBOX. */
    private String newest(Person person) {
        List<Map<String, Object>> list = person.mail().queryParam("folder", INBOX).get("/api/mail/messages").then()
                .statusCode(200).extract().jsonPath().getList("");
        List<Map<String, Object>> sorted = new ArrayList<>(list);
        sorted.sort((a, b) -> Long.compare(Long.parseLong(String.valueOf(b.get("id"))), Long.parseLong(String.valueOf(a.get("id")))));
        return String.valueOf(sorted.get(0).get("id"));
    }

    private int count(Person person) {
        return person.mail().queryParam("folder", INBOX).get("/api/mail/messages").then().statusCode(200)
                .body("", org.hamcrest.Matchers.notNullValue()).extract().jsonPath().getList("").size();
    }

    /** The mail's source as the groupware serves it to the user. */
    private byte[] rawMail(Person person, String id) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(person.session().request(emulator + "/appsuite/api/mail?action=get&folder="
                + java.net.URLEncoder.encode(INBOX, StandardCharsets.UTF_8) + "&id=" + id + "&src=1&save=1").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
