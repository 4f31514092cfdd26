package io.guardcluster.emulator.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CookieHashTest {

    @Test
    void isBase64OfMd5WithoutNonWordCharacters() {
        // expected values computed independently: base64(md5(parts...)) with \W removed
        CookieHash hash = new CookieHash("guard-emulator-demo-salt", List.of());
        assertThat(hash.hash("UA1", "open-xchange-appsuite", h -> null)).isEqualTo("fbtDsxUYX3xIILr9JKHDWw");
        assertThat(hash.hash("UA1", null, h -> null, "1", "3")).isEqualTo("KepkyTD9DfikgDKRIZEtDA");
    }

    @Test
    void includesConfiguredHeaderFields() {
        CookieHash hash = new CookieHash("salt", List.of("X-FP"));
        assertThat(hash.hash("Mozilla/5.0", "open-xchange-appsuite", Map.of("X-FP", "X-FP-value")::get))
                .isEqualTo("ULm6sfOX98ugEQd2iEetg");
    }
}
