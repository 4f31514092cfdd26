package io.guardcluster.keyservice.account.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.guardcluster.common.identity.CurrentIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.account.AccountService;
import io.smallrye.mutiny.Uni;

/** {@code /api/keys/password}: change, reset through recovery, give recovery up, the secondary address. */
@Path("/api/keys/password")
@Produces(MediaType.APPLICATION_JSON)
public class PasswordResource {

    public record ChangeRequest(String currentPassword, String newPassword) {
        @Override
        public String toString() {
            return "ChangeRequest[redacted]";
        }
    }

    public record PasswordOnly(String password) {
        @Override
        public String toString() {
            return "PasswordOnly[redacted]";
        }
    }

    public record RecoveryEmailRequest(String password, String recoveryEmail) {
        @Override
        public String toString() {
            return "RecoveryEmailRequest[redacted]";
        }
    }

    /** Where the temporary password went, masked. */
    public record ResetResponse(String sentTo) {
    }

    private final AccountService accounts;
    private final CurrentIdentity identity;

    PasswordResource(AccountService accounts, CurrentIdentity identity) {
        this.accounts = accounts;
        this.identity = identity;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Void> change(ChangeRequest request) {
        if (request == null) {
            throw GuardProblemException.badRequest("password-required", "send \"currentPassword\" and \"newPassword\"");
        }
        return accounts.changePassword(identity.get(), request.currentPassword(), request.newPassword());
    }

    /** Mails a temporary password (OX Guard's reset); 409 when recovery is disabled or was deleted. */
    @POST
    @Path("/reset")
    public Uni<ResetResponse> reset() {
        return accounts.reset(identity.get()).map(ResetResponse::new);
    }

    @DELETE
    @Path("/recovery")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Void> deleteRecovery(PasswordOnly request) {
        return accounts.deleteRecovery(identity.get(), request == null ? null : request.password());
    }

    @PUT
    @Path("/recovery-email")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Void> recoveryEmail(RecoveryEmailRequest request) {
        if (request == null) {
            throw GuardProblemException.badRequest("password-required", "send \"password\" and \"recoveryEmail\"");
        }
        return accounts.setRecoveryEmail(identity.get(), request.password(), request.recoveryEmail());
    }
}
