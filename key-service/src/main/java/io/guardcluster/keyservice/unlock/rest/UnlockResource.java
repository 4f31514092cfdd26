package io.guardcluster.keyservice.unlock.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.guardcluster.common.identity.CurrentIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.account.AccountService;
import io.smallrye.mutiny.Uni;

/**
 * {@code /api/keys/unlock}: "remember my password". The gateway rate-limits this path per user and
 * per client address; the cluster-wide lockout bounds guessing further.
 */
@Path("/api/keys/unlock")
@Produces(MediaType.APPLICATION_JSON)
public class UnlockResource {

    /** The Guard password, and how long to remember the unlock (minutes; the configured default if absent). */
    public record UnlockRequest(String password, Integer rememberMinutes) {
        @Override
        public String toString() {
            return "UnlockRequest[password=redacted, rememberMinutes=" + rememberMinutes + "]";
        }
    }

    /** A token to send as {@code "unlockToken"} instead of the password until it expires. */
    public record UnlockResponse(String unlockToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "UnlockResponse[unlockToken=redacted, expiresAt=" + expiresAt + "]";
        }
    }

    private final AccountService accounts;
    private final CurrentIdentity identity;

    UnlockResource(AccountService accounts, CurrentIdentity identity) {
        this.accounts = accounts;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<UnlockResponse> unlock(UnlockRequest request) {
        if (request == null) {
            throw GuardProblemException.badRequest("password-required", "send your Guard password as \"password\"");
        }
        Optional<Duration> remember = Optional.ofNullable(request.rememberMinutes()).map(Duration::ofMinutes);
        return accounts.remember(identity.get(), request.password(), remember)
                .map(issued -> new UnlockResponse(issued.token(), issued.expiresAt()));
    }

    /** Logout: revokes every unlock token of the user on every replica. */
    @DELETE
    public Uni<Void> forget() {
        return accounts.forget(identity.get());
    }
}
