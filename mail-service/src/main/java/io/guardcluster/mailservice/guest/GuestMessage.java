package io.guardcluster.mailservice.guest;

import java.time.Instant;

import io.guardcluster.common.identity.InternalIdentity;

/**
 * A guest's copy of a mail as its row says ({@code V6__guest_messages.sql}): which file in filestore-service holds
 * it, whose guest account reads it and who wrote it. Holds no secret: the link token is only its hash, the PIN is
 * sealed.
 */
public record GuestMessage(long row, String fileId, int guestUser, String guestEmail, int senderContext, int senderUser,
        String senderEmail, String messageId, byte[] pinSealed, int failedAttempts, Instant lockedUntil,
        Instant createdAt, Instant expiresAt) {

    /** The reserved context of guest accounts (key-service). */
    public static final int GUEST_CONTEXT = 0;

    /** The guest, as the internal identity mail-service signs for calls on the guest's behalf. */
    public InternalIdentity guest() {
        return new InternalIdentity(GUEST_CONTEXT, guestUser, guestEmail, Instant.now().plusSeconds(60));
    }

    /** The sender, for deleting the copy they own. */
    public InternalIdentity sender() {
        return new InternalIdentity(senderContext, senderUser, senderEmail, Instant.now().plusSeconds(60));
    }

    public boolean hasPin() {
        return pinSealed != null;
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }

    @Override
    public String toString() {
        return "GuestMessage[" + row + ", file " + fileId + ", guest " + guestUser + "]";
    }
}
