package io.guardcluster.mailservice.mime;

import static io.guardcluster.mailservice.mime.Fixtures.crlf;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void addressListsAsRealClientsWriteThem() {
        assertThat(Envelope.parseAddresses("alice@example.org")).containsExactly(MailAddress.of("alice@example.org"));
        assertThat(Envelope.parseAddresses("\"Müller, Hans\" <hans@example.de>, bob@example.net (Bob B.)"))
                .containsExactly(new MailAddress("Müller, Hans", "hans@example.de"),
                        new MailAddress("Bob B.", "bob@example.net"));
        assertThat(Envelope.parseAddresses("=?UTF-8?B?0JTQvNC40YLRgNC40Lk=?= <d@example.ru>"))
                .containsExactly(new MailAddress("Дмитрий", "d@example.ru"));
        assertThat(Envelope.parseAddresses("\"=?ISO-8859-1?Q?J=F6rg?=\" <j@example.de>"))
                .containsExactly(new MailAddress("Jörg", "j@example.de"));
        assertThat(Envelope.parseAddresses("team: a@example.org, \"B\" <b@example.org>;, c@example.org"))
                .extracting(MailAddress::address).containsExactly("a@example.org", "b@example.org", "c@example.org");
        assertThat(Envelope.parseAddresses("undisclosed-recipients:;")).isEmpty();
        assertThat(Envelope.parseAddresses("<@relay.example:user@example.org>"))
                .containsExactly(MailAddress.of("user@example.org"));
        assertThat(Envelope.parseAddresses("Bob (the (nested) builder) <bob@example.net>"))
                .containsExactly(new MailAddress("Bob", "bob@example.net"));
        assertThat(Envelope.parseAddresses("")).isEmpty();
        assertThat(Envelope.parseAddresses(" , ,")).isEmpty();
    }

    @Test
    void datesInTheFormsMailCarries() {
        assertThat(Envelope.parseDate("Tue, 12 Mar 2024 10:15:00 +0100"))
                .contains(OffsetDateTime.parse("2024-03-12T10:15:00+01:00"));
        assertThat(Envelope.parseDate("12 Mar 2024 10:15 -0500 (EST)"))
                .contains(OffsetDateTime.parse("2024-03-12T10:15:00-05:00"));
        assertThat(Envelope.parseDate("Wed, 1 Jan 97 00:00:00 GMT"))
                .contains(OffsetDateTime.parse("1997-01-01T00:00:00Z"));
        assertThat(Envelope.parseDate("Sat, 2 Mar 2024 08:00:00 PST"))
                .contains(OffsetDateTime.parse("2024-03-02T08:00:00-08:00"));
        assertThat(Envelope.parseDate("Mon,  4 March 2024 09:05:07 +0000 (UTC)"))
                .contains(OffsetDateTime.parse("2024-03-04T09:05:07Z"));
        assertThat(Envelope.parseDate("2024-03-04T09:05:07+02:00"))
                .contains(OffsetDateTime.parse("2024-03-04T09:05:07+02:00"));
        assertThat(Envelope.parseDate("yesterday")).isEmpty();
        assertThat(Envelope.parseDate("31 Feb 2024 10:00:00 +0000")).isEmpty();
    }

    @Test
    void envelopeOfAMessage() throws Exception {
        MimePart message = new MimeParser().parse(crlf("""
                From: Alice <alice@example.org>
                Sender: list@example.org
                To: bob@example.net,
                 carol@example.com
                Cc: =?UTF-8?Q?Dora_D=C3=BCrr?= <dora@example.org>
                Reply-To: replies@example.org
                Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=
                Date: Tue, 12 Mar 2024 10:15:00 +0100
                Message-ID:  <id-1@example.org>
                In-Reply-To: <parent@example.org>
                References: <root@example.org>
                 <parent@example.org>

                body"""));
        Envelope envelope = Envelope.of(message);

        assertThat(envelope.from()).containsExactly(new MailAddress("Alice", "alice@example.org"));
        assertThat(envelope.sender()).contains(MailAddress.of("list@example.org"));
        assertThat(envelope.to()).extracting(MailAddress::address).containsExactly("bob@example.net", "carol@example.com");
        assertThat(envelope.cc()).containsExactly(new MailAddress("Dora Dürr", "dora@example.org"));
        assertThat(envelope.replyTo()).containsExactly(MailAddress.of("replies@example.org"));
        assertThat(envelope.subject()).contains("Grüße");
        assertThat(envelope.messageId()).contains("id-1@example.org");
        assertThat(envelope.inReplyTo()).containsExactly("parent@example.org");
        assertThat(envelope.references()).containsExactly("root@example.org", "parent@example.org");
        assertThat(envelope.recipients()).hasSize(3);
        assertThat(envelope.toString()).doesNotContain("alice", "Grüße");
    }

    @Test
    void missingFieldsAreEmpty() throws Exception {
        Envelope envelope = Envelope.of(new MimeParser().parse(crlf("Content-Type: text/plain\n\nx")));
        assertThat(envelope.from()).isEmpty();
        assertThat(envelope.subject()).isEmpty();
        assertThat(envelope.date()).isEmpty();
        assertThat(envelope.messageId()).isEmpty();
    }
}
