package io.guardcluster.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The JSESSIONID is read from the Cookie header directly (no cookie jar per request). */
class AffinityCookieTest {

    private static String jsessionid(String header) {
        return GatewayProxy.cookieValue(header, "JSESSIONID");
    }

    @Test
    void findsTheCookieAnywhereInTheHeader() {
        assertThat(jsessionid("JSESSIONID=abc")).isEqualTo("abc");
        assertThat(jsessionid("a=1; JSESSIONID=abc")).isEqualTo("abc");
        assertThat(jsessionid("a=1;JSESSIONID=abc; b=2")).isEqualTo("abc");
        assertThat(jsessionid("  JSESSIONID=abc.node1 ;b=2")).isEqualTo("abc.node1");
    }

    @Test
    void firstOccurrenceWinsAndQuotesAreRemoved() {
        assertThat(jsessionid("JSESSIONID=one; JSESSIONID=two")).isEqualTo("one");
        assertThat(jsessionid("JSESSIONID=\"quoted\"")).isEqualTo("quoted");
        assertThat(jsessionid("JSESSIONID=")).isEmpty();
    }

    @Test
    void otherCookiesDoNotMatch() {
        assertThat(jsessionid(null)).isNull();
        assertThat(jsessionid("")).isNull();
        assertThat(jsessionid("XJSESSIONID=abc")).isNull();
        assertThat(jsessionid("JSESSIONIDX=abc")).isNull();
        assertThat(jsessionid("a=JSESSIONID=abc")).isNull();
        assertThat(jsessionid("JSESSIONID")).isNull();
    }
}
