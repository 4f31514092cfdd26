package io.guardcluster.keyservice.account;

import java.util.Optional;

/**
 * A groupware user as Guard knows them: who (context, user, primary address) and how their keys are
 * protected. The byte arrays are ciphertext (see {@link PasswordWrap}, {@link RecoveryData}).
 *
 * @param revision bumped by every change; updates check it (optimistic concurrency)
 */
public record GuardUser(int contextId, int userId, String email, Optional<String> recoveryEmail, byte[] passwordWrap,
        byte[] recovery, boolean passwordTemporary, int revision) {

    /**
     * The context of guests: external correspondents Guard holds a key for (see {@code internal.GuestService}).
     * Groupware contexts are numbered from 1, so no real user is ever in it.
     */
    public static final int GUEST_CONTEXT = 0;

    public boolean isGuest() {
        return contextId == GUEST_CONTEXT;
    }

    public boolean hasPassword() {
        return passwordWrap != null;
    }

    public boolean hasRecovery() {
        return recovery != null;
    }

    /** Where a reset mails the temporary password: the secondary address, else the primary one. */
    public String resetAddress() {
        return recoveryEmail.orElse(email);
    }

    @Override
    public String toString() {
        return "GuardUser[" + contextId + "/" + userId + "]";
    }
}
