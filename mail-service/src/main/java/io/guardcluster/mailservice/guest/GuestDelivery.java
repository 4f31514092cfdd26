package io.guardcluster.mailservice.guest;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.backend.UserSession;
import io.guardcluster.mailservice.mime.MessageHeaders;
import io.smallrye.mutiny.Uni;

/**
 * Mail to recipients without any key (OX Guard's guests): the guest's copy is stored in filestore-service, encrypted
 * to the sender and the guest key key-service made for the address; the guest gets a notification with a link and,
 * separately, the initial password.
 */
@ApplicationScoped
public class GuestDelivery {

    /**
     * What the sender is told per guest: {@code pin} (only when the deployment uses PINs) must reach the guest by
     * another channel than mail.
     */
    public record Invitation(String address, boolean newAccount, String pin, Instant expiresAt) {
        @Override
        public String toString() {
            return "Invitation[" + address + ", pin redacted]";
        }
    }

    /** Stores each guest's copy of {@code content} and notifies the guests. */
    public Uni<List<Invitation>> deliver(InternalIdentity sender, UserSession session, MessageHeaders headers,
            byte[] content, List<String> guests) {
        return Uni.createFrom().failure(new GuardProblemException(501, "guests-unavailable", "Not implemented",
                "mail to recipients without a key is not available yet"));
    }
}
