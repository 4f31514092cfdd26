package io.guardcluster.common.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TelemetryRedactionTest {

    @Test
    void masksEveryQueryValueButVerbs() {
        assertThat(TelemetryRedaction.query("action=get&session=5f2a9c&folder=default0%2FINBOX&id=17"))
                .isEqualTo("action=get&session=REDACTED&folder=REDACTED&id=REDACTED");
        assertThat(TelemetryRedaction.query("op=get&search=alice%40example.com")).isEqualTo("op=get&search=REDACTED");
        assertThat(TelemetryRedaction.query("Session=abc")).isEqualTo("Session=REDACTED");
        assertThat(TelemetryRedaction.query("s3cr3t-token")).isEqualTo("REDACTED");
        assertThat(TelemetryRedaction.query("action&x=")).isEqualTo("action&x=REDACTED");
        assertThat(TelemetryRedaction.query("")).isEmpty();
    }

    @Test
    void replacesTheGuestLinkTokenWithItsRoutePlaceholder() {
        assertThat(TelemetryRedaction.path("/api/guest/messages/Zx9-token_value")).isEqualTo("/api/guest/messages/{link}");
        assertThat(TelemetryRedaction.path("/api/guest/messages/Zx9/session")).isEqualTo("/api/guest/messages/{link}/session");
        assertThat(TelemetryRedaction.path("/api/guest/messages/{link}/reply")).isEqualTo("/api/guest/messages/{link}/reply");
        assertThat(TelemetryRedaction.path("/api/mail/message")).isEqualTo("/api/mail/message");
        assertThat(TelemetryRedaction.path("/api/guest/messages/")).isEqualTo("/api/guest/messages/");
    }

    @Test
    void scrubsFullUrlsIncludingCredentialsAndFragments() {
        assertThat(TelemetryRedaction.url("http://127.0.0.1:8080/ajax/mail?action=get&session=abc&id=1"))
                .isEqualTo("http://127.0.0.1:8080/ajax/mail?action=get&session=REDACTED&id=REDACTED");
        assertThat(TelemetryRedaction.url("https://user:pa55@backend.example/api/guest/messages/tok?x=1#frag"))
                .isEqualTo("https://REDACTED@backend.example/api/guest/messages/{link}?x=REDACTED");
        assertThat(TelemetryRedaction.url("http://host")).isEqualTo("http://host");
        assertThat(TelemetryRedaction.url("http://host?session=a")).isEqualTo("http://host?session=REDACTED");
        assertThat(TelemetryRedaction.target("/api/guest/messages/tok?session=a")).isEqualTo("/api/guest/messages/{link}?session=REDACTED");
    }

    @Test
    void keepsTheMethodOfASpanName() {
        assertThat(TelemetryRedaction.spanName("GET /api/guest/messages/tok")).isEqualTo("GET /api/guest/messages/{link}");
        assertThat(TelemetryRedaction.spanName("POST")).isEqualTo("POST");
        assertThat(TelemetryRedaction.spanName("GET /api/mail/message")).isEqualTo("GET /api/mail/message");
    }
}
