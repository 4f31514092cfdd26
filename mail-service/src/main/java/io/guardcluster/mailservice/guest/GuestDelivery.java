package io.guardcluster.mailservice.guest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.mailservice.backend.GroupwareBackend;
import io.guardcluster.mailservice.backend.UserSession;
import io.guardcluster.mailservice.config.MailConfig;
import io.guardcluster.mailservice.guest.repository.GuestMessageRepository;
import io.guardcluster.mailservice.mime.MailAddress;
import io.guardcluster.mailservice.mime.MailComposer;
import io.guardcluster.mailservice.mime.MessageHeaders;
import io.guardcluster.mailservice.mime.MimeEntityBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Mail to recipients without any key (OX Guard's guests): the guest's copy is stored in filestore-service, encrypted
 * to the sender and the guest key key-service made for the address; the guest gets a notification with a link and,
 * separately, the initial password.
 *
 * <p>The steps, in the order {@code MailSender} takes them:
 * <ol>
 * <li>{@link #store}: per guest, the copy goes to filestore-service as the sender, shared with the guest (so
 * encrypted to both keys), then a {@code guard_guest_message} row with the SHA-256 of a new link token. A failure
 * removes what this call stored so far: no copy is left without its mail.</li>
 * <li>The mail itself is sent; if that fails, {@link #discard} removes the copies again.</li>
 * <li>{@link #notify}: per guest, a notification (who wrote, the link, until when) through the groupware as the
 * sender, and, only when key-service just created the account, a second mail with the initial password (sent
 * without a copy in the sender's sent folder). Neither mail holds the PIN: the sender gets it in the answer, to
 * pass on by another channel.</li>
 * </ol>
 */
@ApplicationScoped
public class GuestDelivery {

    private static final Logger LOG = Logger.getLogger(GuestDelivery.class);
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final FilestoreClient filestore;
    private final GuestMessageRepository messages;
    private final GuestTokens tokens;
    private final GroupwareBackend backend;
    private final MailConfig config;
    private final MeterRegistry meters;
    private final MailComposer composer;

    GuestDelivery(FilestoreClient filestore, GuestMessageRepository messages, GuestTokens tokens, GroupwareBackend backend,
            MailConfig config, MeterRegistry meters) {
        this.filestore = filestore;
        this.messages = messages;
        this.tokens = tokens;
        this.backend = backend;
        this.config = config;
        this.meters = meters;
        this.composer = new MailComposer(config.messageIdDomain());
    }

    /** A guest recipient of a mail: the address and key-service's answer for its account. */
    public record Recipient(String address, KeyServiceClient.Guest account) {
        @Override
        public String toString() {
            return "GuestRecipient[" + address + "]";
        }
    }

    /**
     * What the sender is told per guest: {@code pin} (only when the deployment uses PINs) must reach the guest by
     * another channel than mail; {@code notified} false when the notification could not be sent (the copy is
     * stored, the guest has no link).
     */
    public record Invitation(String address, boolean newAccount, String pin, Instant expiresAt, boolean notified) {
        @Override
        public String toString() {
            return "Invitation[" + address + ", pin redacted]";
        }
    }

    /** A stored guest copy, between storing and notifying. Holds the link token and PIN: never logged. */
    public record Stored(Recipient recipient, String fileId, long row, String linkToken, String pin, Instant expiresAt) {
        @Override
        public String toString() {
            return "StoredGuestCopy[" + recipient.address() + ", row " + row + ", redacted]";
        }
    }

    /** Step 1: stores each guest's copy of {@code content} (file, then row); all or none. */
    public Uni<List<Stored>> store(InternalIdentity sender, MessageHeaders headers, byte[] content,
            List<Recipient> recipients) {
        List<Stored> stored = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Recipient recipient : recipients) {
            chain = chain.chain(() -> storeOne(sender, headers, content, recipient)).invoke(stored::add).replaceWithVoid();
        }
        return chain.onFailure().call(e -> discard(sender, stored)).map(done -> List.copyOf(stored));
    }

    private Uni<Stored> storeOne(InternalIdentity sender, MessageHeaders headers, byte[] content, Recipient recipient) {
        KeyServiceClient.Guest account = recipient.account();
        String token = tokens.newLinkToken();
        byte[] hash = GuestTokens.hash(token);
        String pin = config.guests().pin() ? tokens.newPin() : null;
        Instant expiresAt = Instant.now().plus(config.guests().lifetime()).truncatedTo(ChronoUnit.MILLIS);
        String address = recipient.address().toLowerCase(Locale.ROOT);
        return filestore.store(sender, "guest-message.eml", content, address)
                .chain(fileId -> messages.insert(hash, fileId, account.userId(), address, sender.contextId(),
                        sender.userId(), sender.email(), headers.messageId(), pin == null ? null : tokens.sealPin(hash, pin),
                        expiresAt)
                        // the file without its row would be unreachable and never expire: take it back
                        .onFailure().call(e -> filestore.delete(sender, fileId).onFailure().recoverWithNull())
                        .map(row -> new Stored(recipient, fileId, row, token, pin, expiresAt)));
    }

    /** Step 2's undo: removes stored copies (the mail was not sent). Failures are logged; expiry catches the rest. */
    public Uni<Void> discard(InternalIdentity sender, List<Stored> stored) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Stored copy : stored) {
            chain = chain.chain(() -> filestore.delete(sender, copy.fileId())
                    .chain(() -> messages.delete(copy.row())).replaceWithVoid()
                    .onFailure().invoke(e -> LOG.warnf("could not remove guest copy (row %d) of an unsent mail: %s; "
                            + "the expiry cleanup will", copy.row(), e.getClass().getSimpleName()))
                    .onFailure().recoverWithNull());
        }
        return chain;
    }

    /** Step 3: notifies each guest of a sent mail; the sender's answer per guest. */
    public Uni<List<Invitation>> notify(InternalIdentity sender, UserSession session, MessageHeaders headers,
            List<Stored> stored) {
        List<Invitation> out = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Stored copy : stored) {
            KeyServiceClient.Guest account = copy.recipient().account();
            String password = account.initialPassword();
            boolean newAccount = password != null && !password.isEmpty();
            Uni<Void> notification = backend.send(session, notification(headers.from(), copy), true)
                    .chain(() -> newAccount ? backend.send(session, passwordMail(headers.from(), copy, password), false)
                            : Uni.createFrom().nullItem())
                    .replaceWithVoid();
            chain = chain.chain(() -> notification.map(done -> true)
                    .onFailure().invoke(e -> {
                        meters.counter("guard.mail.guest.notifications.failed").increment();
                        LOG.warnf("the notification of guest copy (row %d) was not sent: %s", copy.row(),
                                e.getClass().getSimpleName());
                    })
                    .onFailure().recoverWithItem(false)
                    .invoke(notified -> {
                        meters.counter("guard.mail.guest.invitations", "new-account", Boolean.toString(newAccount)).increment();
                        out.add(new Invitation(copy.recipient().address(), newAccount, copy.pin(), copy.expiresAt(), notified));
                    })
                    .replaceWithVoid());
        }
        return chain.map(done -> List.copyOf(out));
    }

    /** The link a guest opens: the gateway's public guest endpoint for this copy. */
    String link(String token) {
        String base = config.guests().publicUrl().replaceAll("/+$", "");
        return base + "/api/guest/messages/" + token;
    }

    private byte[] notification(MailAddress from, Stored copy) {
        String who = from.name() == null || from.name().isBlank() ? from.address() : from.name() + " <" + from.address() + ">";
        String text = who + " has sent you an encrypted message with Guard.\n\n"
                + "Open it here:\n" + link(copy.linkToken()) + "\n\n"
                + (copy.recipient().account().initialPassword() != null
                        ? "Your password for reading it comes in a separate mail. You will be asked to choose your own.\n"
                        : "Sign in with the Guard password you chose for this address.\n")
                + (copy.pin() != null ? "You will also need a PIN, which " + from.address() + " gives you another way.\n" : "")
                + "\nThe message can be read until " + EXPIRY.format(copy.expiresAt()) + "; after that it is deleted.\n";
        MessageHeaders headers = composer.headers().from(from).to(MailAddress.of(copy.recipient().address()))
                .subject("Encrypted message from " + from.address()).build();
        return MailComposer.compose(headers, MimeEntityBuilder.create().text(text).build());
    }

    private byte[] passwordMail(MailAddress from, Stored copy, String password) {
        String text = "Your initial Guard password for reading encrypted messages from " + from.address() + ":\n\n"
                + "    " + password + "\n\n"
                + "You will be asked to replace it the first time you sign in. The link to the message came in a "
                + "separate mail.\n";
        MessageHeaders headers = composer.headers().from(from).to(MailAddress.of(copy.recipient().address()))
                .subject("Your Guard password").build();
        return MailComposer.compose(headers, MimeEntityBuilder.create().text(text).build());
    }
}
