package io.guardcluster.keyservice.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class InternalKeyResourceTest {

    /** Header values arrive one char per byte: a password sent as UTF-8 bytes comes out as the password. */
    @Test
    void passwordHeadersAreUtf8() {
        String password = "Grüße-Paßwort-€";
        String asReceived = new String(password.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(InternalKeyResource.headerText(asReceived)).isEqualTo(password);
        assertThat(InternalKeyResource.headerText("plain-ascii")).isEqualTo("plain-ascii");
        assertThat(InternalKeyResource.headerText("caf\u00e9")).as("not UTF-8: kept as sent").isEqualTo("caf\u00e9");
        assertThat(InternalKeyResource.headerText(null)).isNull();
    }
}
