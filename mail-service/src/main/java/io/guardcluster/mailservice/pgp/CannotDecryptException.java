package io.guardcluster.mailservice.pgp;

import io.guardcluster.common.problem.GuardProblemException;

/**
 * Every way decrypting a mail can fail (damaged or changed ciphertext, a message not encrypted to the user, a
 * session key that does not open it, broken packets inside): one answer, so that no caller can tell them apart and
 * use the difference as an oracle. Never carries a cause or any detail of what went wrong.
 */
public final class CannotDecryptException extends GuardProblemException {

    public static final String SLUG = "cannot-decrypt";

    public CannotDecryptException() {
        super(422, SLUG, "Unprocessable content",
                "the message cannot be decrypted: it was not encrypted for your keys, or it is damaged or was changed");
    }
}
