package io.guardcluster.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/** Which backend answers make the gateway vouch for a user (GET /user/me and /user?action=get). */
class VouchedForTest {

    private static final JsonObject USER = new JsonObject().put("email1", "alice@example.com");

    @Test
    void aUserOfARealContext() {
        assertThat(SessionAuthenticator.vouchedFor(new JsonObject().put("context_id", 1).put("user_id", 3), USER))
                .contains(new GroupwareUser(1, 3, "alice@example.com"));
    }

    @Test
    void neverContextZeroWhereGuardKeepsItsGuests() {
        assertThat(SessionAuthenticator.vouchedFor(new JsonObject().put("context_id", 0).put("user_id", 3), USER)).isEmpty();
        assertThat(SessionAuthenticator.vouchedFor(new JsonObject().put("context_id", -1).put("user_id", 3), USER)).isEmpty();
    }

    @Test
    void incompleteAnswersVouchForNobody() {
        JsonObject me = new JsonObject().put("context_id", 1).put("user_id", 3);
        assertThat(SessionAuthenticator.vouchedFor(null, USER)).isEmpty();
        assertThat(SessionAuthenticator.vouchedFor(me, null)).isEmpty();
        assertThat(SessionAuthenticator.vouchedFor(me, new JsonObject())).isEmpty();
        assertThat(SessionAuthenticator.vouchedFor(new JsonObject().put("user_id", 3), USER)).isEmpty();
        assertThat(SessionAuthenticator.vouchedFor(new JsonObject().put("context_id", "1").put("user_id", 3), USER)).isEmpty();
    }
}
