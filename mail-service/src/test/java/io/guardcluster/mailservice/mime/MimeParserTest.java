package io.guardcluster.mailservice.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MimeParserTest {

    private final MimeParser parser = new MimeParser();

    private static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void multipartPartsAreExactRangesOfTheMessage() throws Exception {
        byte[] message = crlf("""
                From: a@example.com
                Content-Type: multipart/mixed; boundary="b1"

                preamble
                --b1
                Content-Type: text/plain; charset=utf-8

                hello
                --b1 \t
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: base64

                AAEC
                --b1--
                epilogue
                """);
        MimePart root = parser.parse(message);
        assertThat(root.children()).hasSize(2);
        assertThat(new String(root.children().get(0).rawBytes(), StandardCharsets.US_ASCII))
                .isEqualTo("Content-Type: text/plain; charset=utf-8\r\n\r\nhello");
        assertThat(root.children().get(0).text().text()).isEqualTo("hello");
        assertThat(root.children().get(1).body()).containsExactly(0, 1, 2);
        assertThat(root.isComplete()).isTrue();
    }
}
