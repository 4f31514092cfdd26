package io.guardcluster.mailservice.backend;

import java.util.List;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * What mail-service asks the groupware backend: a user's mail, read and sent with the user's own session, and users
 * looked up by address. Failures arrive as {@link io.guardcluster.common.problem.GuardProblemException}s with the
 * answer the caller should give: 401 session expired, 404 no such mail, 413 too large, 400 for a message the backend
 * refuses to send, 502 another backend error, 503 backend unavailable.
 */
public interface GroupwareBackend {

    /**
     * The complete source of mail {@code id} in {@code folder}, byte for byte, at most
     * {@code guard.backend.max-message-size}; the mail's seen flag is left as it was.
     */
    Uni<byte[]> rawMessage(UserSession session, String folder, String id);

    /** The newest {@code limit} mails of {@code folder}, newest first. */
    Uni<List<MailSummary>> list(UserSession session, String folder, int limit);

    /**
     * Sends the complete MIME message {@code mime} as the session's user (its From must be one of the user's
     * addresses). Where the backend keeps the sent copy; empty if it keeps none. Never retried: a send that may have
     * reached the backend is not sent twice.
     */
    default Uni<Optional<MailRef>> send(UserSession session, byte[] mime) {
        return send(session, mime, true);
    }

    /**
     * {@link #send(UserSession, byte[])}; with {@code keepSentCopy} false the backend keeps no copy in the user's sent
     * folder (OX: {@code copy2Sent=false}), for mail the user must not keep, such as a guest's initial password.
     */
    Uni<Optional<MailRef>> send(UserSession session, byte[] mime, boolean keepSentCopy);

    /** The backend's user with this primary address, if any (REST API, Guard's credentials). */
    Uni<Optional<BackendUser>> userByEmail(String email);
}
