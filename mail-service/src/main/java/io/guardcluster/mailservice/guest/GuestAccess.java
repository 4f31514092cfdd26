package io.guardcluster.mailservice.guest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.config.MailConfig;
import io.guardcluster.mailservice.guest.repository.GuestMessageRepository;
import io.guardcluster.mailservice.read.MailReader;
import io.guardcluster.mailservice.read.MailView;
import io.guardcluster.mailservice.send.ComposeRequest;
import io.guardcluster.mailservice.send.MailSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * What a guest does with a link: sign in (password, PIN where the deployment uses them, a new password the first
 * time), read the message, reply to its sender. The guest proves the password to key-service, as the guest's own
 * identity (context 0) that this service signs; the answer is a guest session sealed with the master key that
 * carries key-service's unlock token, so reading and replying need no password again and any replica serves them.
 *
 * <p>Every link that does not lead to a live message (malformed, unknown, expired, removed) gets the same 404; a
 * session that does not fit the link is a 401. Wrong passwords and PINs count per link ({@code failed_attempts}):
 * after {@code guard.mail.guests.max-failed-attempts} the link is locked (423, Retry-After) for
 * {@code guard.mail.guests.lockout}; key-service counts wrong passwords per guest account on top.
 */
@ApplicationScoped
public class GuestAccess {

    private final GuestMessageRepository messages;
    private final GuestTokens tokens;
    private final KeyServiceClient keys;
    private final FilestoreClient filestore;
    private final MailReader reader;
    private final MailSender sender;
    private final SmtpSender smtp;
    private final MailConfig.Guests config;
    private final MeterRegistry meters;

    GuestAccess(GuestMessageRepository messages, GuestTokens tokens, KeyServiceClient keys, FilestoreClient filestore,
            MailReader reader, MailSender sender, SmtpSender smtp, MailConfig config, MeterRegistry meters) {
        this.messages = messages;
        this.tokens = tokens;
        this.keys = keys;
        this.filestore = filestore;
        this.reader = reader;
        this.sender = sender;
        this.smtp = smtp;
        this.config = config.guests();
        this.meters = meters;
    }

    /** A sign-in: the Guard password, the PIN (when the message has one), a new password (required the first time). */
    public record Login(String password, String pin, String newPassword) {
        @Override
        public String toString() {
            return "GuestLogin[redacted]";
        }
    }

    /** A guest session: the sealed token to send as {@code X-Guard-Guest-Session}, and when it ends. */
    public record SessionAnswer(String session, Instant expiresAt) {
        @Override
        public String toString() {
            return "GuestSession[redacted, " + expiresAt + "]";
        }
    }

    /** A guest's reply: plain text and optionally HTML. */
    public record Reply(String text, String html) {
        @Override
        public String toString() {
            return "GuestReply[redacted]";
        }
    }

    /** What was sent: the reply's Message-ID and to whom. */
    public record ReplyResult(String messageId, String to, boolean encrypted, boolean signed) {
    }

    /** Signs the guest in for the message behind {@code link}. */
    public Uni<SessionAnswer> login(String link, Login login) {
        return live(link).chain(message -> {
            Instant now = Instant.now();
            if (message.lockedAt(now)) {
                return Uni.createFrom().failure(locked(Duration.between(now, message.lockedUntil())));
            }
            if (login == null || login.password() == null || login.password().isEmpty()) {
                return Uni.createFrom().failure(GuardProblemException.badRequest("password-required",
                        "send your Guard password as \"password\" (the first time: the one from the mail, and "
                                + "\"newPassword\")"));
            }
            byte[] hash = GuestTokens.hash(link);
            if (message.hasPin() && !tokens.pinMatches(message.pinSealed(), hash, login.pin())) {
                return failed(message, GuardProblemException.forbidden("wrong-pin",
                        "the PIN is not correct (the sender of the message has it)"));
            }
            InternalIdentity guest = message.guest();
            Duration lifetime = config.sessionLifetime();
            int minutes = (int) Math.max(1, lifetime.toMinutes());
            boolean changing = login.newPassword() != null && !login.newPassword().isEmpty();
            Uni<Void> change = changing ? keys.changePassword(guest, login.password(), login.newPassword())
                    : Uni.createFrom().voidItem();
            return change.chain(() -> keys.unlock(guest, changing ? login.newPassword() : login.password(), minutes))
                    .onFailure(GuestAccess::wrongPassword).recoverWithUni(e -> failed(message, (GuardProblemException) e))
                    .onFailure(GuestAccess::changeRequired).transform(e -> GuardProblemException.forbidden(
                            "password-change-required", "this is your first sign-in: send the password from the mail "
                                    + "as \"password\" and your own new one as \"newPassword\""))
                    .chain(unlock -> messages.resetFailures(message.row()).map(done -> {
                        Instant expires = unlock.expiresAt().isBefore(message.expiresAt()) ? unlock.expiresAt()
                                : message.expiresAt();
                        meters.counter("guard.mail.guest.logins", "result", "ok").increment();
                        return new SessionAnswer(tokens.seal(new GuestTokens.Session(message.row(), hash,
                                message.guestUser(), unlock.unlockToken(), expires)), expires);
                    }));
        });
    }

    /** The message behind {@code link}, decrypted for the guest of {@code session}. */
    public Uni<MailView> read(String link, String session) {
        return signedIn(link, session).chain(access -> open(access));
    }

    /** Sends the guest's reply to the message's sender: encrypted to both, signed by the guest's key, by SMTP. */
    public Uni<ReplyResult> reply(String link, String session, Reply reply) {
        if (reply == null || (reply.text() == null || reply.text().isBlank()) && (reply.html() == null || reply.html().isBlank())) {
            return Uni.createFrom().failure(GuardProblemException.badRequest("empty-reply",
                    "write something: \"text\" (and optionally \"html\")"));
        }
        return signedIn(link, session).chain(access -> open(access).chain(original -> {
            GuestMessage message = access.message();
            String subject = original.headers().subject() == null ? "" : original.headers().subject();
            if (!subject.regionMatches(true, 0, "Re:", 0, 3)) {
                subject = "Re: " + subject;
            }
            ComposeRequest compose = new ComposeRequest(List.of(message.senderEmail()), null, null, subject,
                    reply.text(), reply.html(), null, MailSender.PGP_MIME, true, true, message.messageId());
            InternalIdentity guest = message.guest();
            // A guest invites nobody: the only recipient is the sender, who has a key.
            return sender.compose(guest, compose, access.unlock(), false)
                    .chain(composed -> smtp.send(guest.email(), List.of(message.senderEmail()), composed.mail())
                            .map(sent -> new ReplyResult(composed.headers().messageId(), message.senderEmail(), true, true)))
                    .invoke(sent -> meters.counter("guard.mail.guest.replies").increment());
        }));
    }

    private Uni<MailView> open(SignedIn access) {
        GuestMessage message = access.message();
        return filestore.raw(message.guest(), message.fileId())
                .chain(raw -> reader.readGuestCopy(message.guest(), raw, access.unlock(), message.senderEmail(),
                        message.messageId()));
    }

    /** A live message and a session that opens it. */
    record SignedIn(GuestMessage message, GuestTokens.Session session) {
        KeyServiceClient.Unlock unlock() {
            return new KeyServiceClient.Unlock(null, session.unlockToken());
        }

        @Override
        public String toString() {
            return "SignedIn[" + message + ", redacted]";
        }
    }

    private Uni<SignedIn> signedIn(String link, String session) {
        return live(link).map(message -> tokens.open(session, GuestTokens.hash(link), Instant.now())
                .filter(s -> s.row() == message.row() && s.guestUser() == message.guestUser())
                .map(s -> new SignedIn(message, s))
                .orElseThrow(() -> new GuardProblemException(401, "guest-session-required", "Unauthorized",
                        "sign in first (POST /api/guest/messages/{link}/session) and send the session as "
                                + "X-Guard-Guest-Session; it may have expired")));
    }

    /** The live message of a link; one 404 for every link that leads nowhere. */
    private Uni<GuestMessage> live(String link) {
        if (!GuestTokens.plausible(link)) {
            return Uni.createFrom().failure(notFound());
        }
        return messages.findLive(GuestTokens.hash(link), Instant.now())
                .map(found -> found.orElseThrow(GuestAccess::notFound));
    }

    private static GuardProblemException notFound() {
        return GuardProblemException.notFound("guest-message-not-found",
                "there is no message at this link: it may have expired (ask the sender to send it again)");
    }

    /** Counts a wrong password or PIN for the link; the attempt that reaches the limit answers 423 at once. */
    private <T> Uni<T> failed(GuestMessage message, GuardProblemException wrong) {
        int max = config.maxFailedAttempts();
        meters.counter("guard.mail.guest.logins", "result", wrong.slug()).increment();
        return messages.recordFailure(message.row(), max, Instant.now().plus(config.lockout()))
                .map(done -> {
                    throw message.failedAttempts() + 1 >= max ? locked(config.lockout()) : wrong;
                });
    }

    private static GuardProblemException locked(Duration left) {
        return new GuardProblemException(423, "guest-link-locked", "Locked",
                "too many wrong passwords or PINs for this message; try again later", Math.max(1, left.toSeconds()));
    }

    private static boolean wrongPassword(Throwable e) {
        return e instanceof GuardProblemException p && p.status() == 403 && p.slug().equals("wrong-password");
    }

    private static boolean changeRequired(Throwable e) {
        return e instanceof GuardProblemException p && p.slug().equals("password-change-required");
    }
}
