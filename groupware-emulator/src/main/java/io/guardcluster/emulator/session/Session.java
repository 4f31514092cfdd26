package io.guardcluster.emulator.session;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A groupware session, as the OX middleware keeps it (sessiond): the session id sent as {@code session=}
 * parameter, the secret carried by the {@code open-xchange-secret-<hash>} cookie, the alternative id of the
 * {@code open-xchange-public-session-<hash>} cookie, the cookie hash and client remembered at login.
 *
 * @param sessionId     32 hex chars, the {@code session} parameter
 * @param secret        32 hex chars, value of the secret cookie
 * @param alternativeId 32 hex chars, value of the public-session cookie
 * @param hash          cookie hash computed at login (User-Agent + client + salt)
 * @param client        the login's {@code client} parameter
 * @param login         the login name as sent ({@code user} in the login response)
 * @param userId        user id
 * @param contextId     context id
 * @param userAgent     User-Agent of the login request
 * @param clientIp      client IP at login (recorded; the IP check is not emulated)
 * @param authId        the login's {@code authId}
 * @param route         route of the node that created the session
 * @param created       creation time
 * @param lastAccess    last use, for the idle timeout
 */
public record Session(
        String sessionId,
        String secret,
        String alternativeId,
        String hash,
        String client,
        String login,
        int userId,
        int contextId,
        String userAgent,
        String clientIp,
        String authId,
        String route,
        Instant created,
        AtomicReference<Instant> lastAccess) {
}
