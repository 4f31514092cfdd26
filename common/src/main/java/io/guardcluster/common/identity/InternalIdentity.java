package io.guardcluster.common.identity;

import java.time.Instant;

/**
 * Who a request is for, as the gateway established it from the user's groupware session and
 * forwards to the services in the {@value InternalIdentityCodec#HEADER} header (signed, short-lived).
 *
 * @param contextId the groupware context (tenant) id
 * @param userId    the user's id within the context
 * @param email     the user's primary address
 * @param expiresAt after this instant no service accepts it
 */
public record InternalIdentity(int contextId, int userId, String email, Instant expiresAt) {

    public InternalIdentity {
        if (contextId < 0 || userId < 0) {
            throw new IllegalArgumentException("context and user ids are non-negative");
        }
        if (email == null || email.isBlank() || email.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an identity needs a single-line email address");
        }
    }
}
