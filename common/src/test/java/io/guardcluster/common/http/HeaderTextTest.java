package io.guardcluster.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HeaderTextTest {

    /** Header values arrive one char per byte: a password sent as UTF-8 bytes comes out as the password. */
    @Test
    void passwordHeadersAreUtf8() {
        String password = "Grüße-Paßwort-€";
        String asReceived = new String(password.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(HeaderText.utf8(asReceived)).isEqualTo(password);
        assertThat(HeaderText.utf8("plain-ascii")).isEqualTo("plain-ascii");
        assertThat(HeaderText.utf8("caf\u00e9")).as("not UTF-8: kept as sent").isEqualTo("caf\u00e9");
        assertThat(HeaderText.utf8(null)).isNull();
    }
}
