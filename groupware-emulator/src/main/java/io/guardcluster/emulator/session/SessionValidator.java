package io.guardcluster.emulator.session;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.guardcluster.emulator.admin.EmulatorStats;
import io.guardcluster.emulator.ajax.ClientRequest;
import io.guardcluster.emulator.cluster.ClusterNodes;
import io.guardcluster.emulator.ajax.OxErrorCode;
import io.guardcluster.emulator.ajax.OxException;
import io.guardcluster.emulator.config.EmulatorConfig;
import io.guardcluster.emulator.config.EmulatorConfig.HashSource;

/**
 * The session check OX performs before any request that carries {@code session=}
 * (appsuite-middleware {@code SessionUtility.getSession} / {@code checkSecret}):
 * <ol>
 * <li>no {@code session} parameter: {@code SES-0201};</li>
 * <li>no live session with that id: {@code SES-0203} ("Your session ... expired");</li>
 * <li>no {@code open-xchange-secret-<hash>} cookie under the expected name, or its value is not the session's
 * secret: also {@code SES-0203} (OX records the reasons {@code nosecretcookie} / {@code secretmismatch} only in
 * the log). This is the session-hijacking protection described in {@code session_lifecycle.md}: "Only when these
 * two are part of the same session, will the request be accepted."</li>
 * </ol>
 * With {@code cookie.hash=calculate} (OX default) the expected cookie name is re-computed from this request's
 * User-Agent and the session's client, so a caller that forwards the user's cookies must forward the user's
 * User-Agent too; with {@code remember} the hash stored at login is used.
 */
@ApplicationScoped
public class SessionValidator {

    private static final Logger LOG = Logger.getLogger(SessionValidator.class);

    private final SessionStore store;
    private final CookieHash cookieHash;
    private final SessionCookies cookies;
    private final EmulatorConfig config;
    private final EmulatorStats stats;
    private final ClusterNodes nodes;

    @Inject
    public SessionValidator(SessionStore store, CookieHash cookieHash, SessionCookies cookies, EmulatorConfig config,
            EmulatorStats stats, ClusterNodes nodes) {
        this.nodes = nodes;
        this.store = store;
        this.cookieHash = cookieHash;
        this.cookies = cookies;
        this.config = config;
        this.stats = stats;
    }

    /** The session named by {@code sessionId} if the request proves it owns it; else the documented OX error. */
    public Session require(Optional<String> sessionId, ClientRequest request) {
        stats.validation();
        try {
            String id = sessionId.filter(s -> !s.isEmpty()).orElseThrow(() -> new OxException(OxErrorCode.SES_0201));
            // The node serving this request: it restores the session from the distributed storage if it does not
            // hold it (OX sessiond), so a caller that drops the JSESSIONID route makes extra sessions.
            Session session = store.get(nodes.serving(request), id).orElseThrow(() -> {
                LOG.debugf("No session for id %s (reason nosuchsession)", id);
                return expired(id);
            });
            Optional<String> secret = secretFrom(request, session);
            if (secret.isEmpty()) {
                LOG.infof("Session %s: no secret cookie %s (reason nosecretcookie)", id, expectedSecretCookie(request, session));
                throw expired(id);
            }
            if (!constantTimeEquals(secret.get(), session.secret())) {
                LOG.infof("Session %s: secret cookie does not match (reason secretmismatch)", id);
                throw expired(id);
            }
            return session;
        } catch (OxException e) {
            stats.failedValidation();
            throw e;
        }
    }

    /** The secret the request carries for {@code session}, looked up under the expected cookie name. */
    public Optional<String> secretFrom(ClientRequest request, Session session) {
        return request.cookie(expectedSecretCookie(request, session));
    }

    private String expectedSecretCookie(ClientRequest request, Session session) {
        String hash = config.cookie().hash() == HashSource.REMEMBER
                ? session.hash()
                : cookieHash.hash(request.userAgent(), session.client(), request::header);
        return cookies.secretCookieName(hash);
    }

    private static OxException expired(String sessionId) {
        // OX sanitizes the argument: anything but 32 hex chars is shown as "<invalid_sessionid>".
        return new OxException(OxErrorCode.SES_0203, Tokens.looksLikeSessionId(sessionId) ? sessionId : "<invalid_sessionid>");
    }

    static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
