package io.guardcluster.mailservice.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.problem.GuardProblemException;

class UserSessionTest {

    @Test
    void keepsTheCookiesAsSentAndShowsNothingOfThem() {
        UserSession session = UserSession.of("0123456789abcdef0123456789abcdef",
                List.of("JSESSIONID=42.node1; open-xchange-secret-abc=s3cr3t", "open-xchange-session-abc=sid"), "Mozilla/5.0");
        assertThat(session.cookieHeader())
                .isEqualTo("JSESSIONID=42.node1; open-xchange-secret-abc=s3cr3t; open-xchange-session-abc=sid");
        assertThat(session.toString()).doesNotContain("0123456789abcdef", "s3cr3t", "42.node1", "sid", "Mozilla");
    }

    @Test
    void noSessionParameterIs401() {
        assertThatThrownBy(() -> UserSession.of(" ", List.of("a=b"), null)).isInstanceOfSatisfying(GuardProblemException.class,
                p -> assertThat(p.status()).isEqualTo(401));
    }
}
