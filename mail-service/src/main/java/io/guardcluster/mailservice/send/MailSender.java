package io.guardcluster.mailservice.send;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.common.pgp.message.RecipientKeys;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.backend.GroupwareBackend;
import io.guardcluster.mailservice.backend.UserSession;
import io.guardcluster.mailservice.config.MailConfig;
import io.guardcluster.mailservice.guest.GuestDelivery;
import io.guardcluster.mailservice.mime.Attachment;
import io.guardcluster.mailservice.mime.AutocryptHeader;
import io.guardcluster.mailservice.mime.Envelope;
import io.guardcluster.mailservice.mime.MailAddress;
import io.guardcluster.mailservice.mime.MailComposer;
import io.guardcluster.mailservice.mime.MessageHeaders;
import io.guardcluster.mailservice.mime.MimeEntityBuilder;
import io.guardcluster.mailservice.mime.PgpMimeWriter;
import io.guardcluster.mailservice.pgp.Cleartext;
import io.guardcluster.mailservice.pgp.DetachedSignatures;
import io.guardcluster.mailservice.pgp.MailCrypto;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Sends a mail as the user: builds it, encrypts it to every recipient's key and the sender's own (keys from
 * key-service: Guard users, the user's keyring, WKD, HKP), signs it with the sender's key (key-service signs, the key
 * never comes here), wraps it as PGP/MIME (RFC 3156: signed, then encrypted) or inline PGP, and hands it to the
 * groupware with the user's own session. A recipient whose keys are all revoked or expired is refused with that
 * reason; one with no key at all becomes a guest (when the deployment allows guests).
 */
@ApplicationScoped
public class MailSender {

    public static final String PGP_MIME = "pgp-mime";
    public static final String INLINE = "inline";

    private final GroupwareBackend backend;
    private final KeyServiceClient keys;
    private final MailCrypto crypto;
    private final MailConfig config;
    private final GuestDelivery guests;
    private final MeterRegistry meters;
    private final MailComposer composer;

    MailSender(GroupwareBackend backend, KeyServiceClient keys, MailCrypto crypto, MailConfig config,
            GuestDelivery guests, MeterRegistry meters) {
        this.backend = backend;
        this.keys = keys;
        this.crypto = crypto;
        this.config = config;
        this.guests = guests;
        this.meters = meters;
        this.composer = new MailComposer(config.messageIdDomain());
    }

    /** What was sent: the Message-ID, how, and where each recipient's key came from. */
    public record SendResult(String messageId, String format, boolean encrypted, boolean signed,
            List<RecipientResult> recipients, List<GuestDelivery.Invitation> guests) {
        @Override
        public String toString() {
            return "SendResult[" + messageId + ", " + recipients.size() + " recipients, " + guests.size() + " guests]";
        }
    }

    /** {@code source}: guard, keyring, wkd, hkp, guest (or none when not encrypting). */
    public record RecipientResult(String address, String source, String fingerprint) {
    }

    public Uni<SendResult> send(InternalIdentity user, UserSession session, ComposeRequest request,
            KeyServiceClient.Unlock unlock) {
        return compose(user, request, unlock, config.guests().enabled()).chain(composed -> {
            List<GuestDelivery.Recipient> invited = composed.recipients.values().stream().filter(Resolved::guest)
                    .map(r -> new GuestDelivery.Recipient(r.address(), r.account())).toList();
            // 1. the guests' copies are stored (filestore and a row each) before anything is sent, 2. the mail is
            // sent, and if that fails the copies are removed again, 3. only a sent mail's guests are notified.
            return guests.store(user, composed.headers(), composed.built().content(), invited)
                    .chain(stored -> backend.send(session, composed.built().mail())
                            .onFailure().call(e -> guests.discard(user, stored))
                            .chain(sent -> guests.notify(user, session, composed.headers(), stored)))
                    .map(invitations -> result(composed.draft, composed.headers(), composed.recipients, invitations));
        }).invoke(result -> meters.counter("guard.mail.sent", "format", result.format(),
                "encrypted", Boolean.toString(result.encrypted()), "signed", Boolean.toString(result.signed()))
                .increment());
    }

    /**
     * A mail built for sending but not sent: its headers, the finished MIME message, the content before encryption,
     * and every recipient's key. Holds the mail's plaintext: never logged.
     */
    public record Composed(MessageHeaders headers, Built built, Map<String, Resolved> recipients, Draft draft) {
        /** The finished message, as it goes to the mail system. */
        public byte[] mail() {
            return built.mail();
        }

        @Override
        public String toString() {
            return "Composed[" + headers.messageId() + ", redacted]";
        }
    }

    /**
     * Checks and builds the mail {@code user} asks to send, encrypted and signed as the request says. Recipients
     * without any key become guests when {@code mayInviteGuests}, else they are refused.
     */
    public Uni<Composed> compose(InternalIdentity user, ComposeRequest request, KeyServiceClient.Unlock unlock,
            boolean mayInviteGuests) {
        Draft draft;
        try {
            draft = Draft.of(request, user, config);
        } catch (GuardProblemException e) {
            return Uni.createFrom().failure(e);
        }
        Uni<Map<String, Resolved>> resolved = draft.encrypt
                ? resolve(user, draft, mayInviteGuests).chain(r -> guestKeys(user, draft, r))
                : Uni.createFrom().item(Map.of());
        return resolved.chain(recipients -> autocryptHeader(user, recipients)
                // building, signing's input and encryption are CPU work on the mail's size: off the event loop
                .emitOn(Infrastructure.getDefaultWorkerPool()).chain(autocrypt -> {
                    MessageHeaders headers = draft.headers(composer, autocrypt);
                    return build(user, draft, headers, recipients, unlock)
                            .map(built -> new Composed(headers, built, recipients, draft));
                }));
    }

    /**
     * A guest account (key-service, from its key cache) for every recipient without any key; their mail is
     * encrypted to the guest key like to anyone's. The account (with its initial password, when key-service just
     * made it) stays with the recipient for {@link GuestDelivery}.
     */
    private Uni<Map<String, Resolved>> guestKeys(InternalIdentity user, Draft draft, Map<String, Resolved> resolved) {
        Uni<Map<String, Resolved>> out = Uni.createFrom().item(new LinkedHashMap<>(resolved));
        for (Resolved r : resolved.values()) {
            if (!r.guest()) {
                continue;
            }
            String name = draft.recipients().stream().filter(a -> a.address().equals(r.address())).map(MailAddress::name)
                    .filter(n -> n != null && !n.isBlank()).findFirst().orElse(null);
            out = out.chain(map -> keys.guest(user, r.address(), name).map(guest -> {
                PGPPublicKeyRing ring = RecipientKeys.certificate(guest.key().armored()).orElseThrow(
                        () -> new IllegalStateException("key-service answered a guest key that does not parse"));
                PGPPublicKey key = RecipientKeys.encryptionKey(ring, Instant.now()).orElseThrow(
                        () -> new IllegalStateException("key-service answered a guest key that cannot encrypt"));
                map.put(r.address(), new Resolved(r.address(), guest.guest() ? "guest" : guest.key().source()
                        .toLowerCase(Locale.ROOT), key, ring, guest.guest(), guest.guest() ? guest : null));
                return map;
            }));
        }
        return out;
    }

    private SendResult result(Draft draft, MessageHeaders headers, Map<String, Resolved> recipients,
            List<GuestDelivery.Invitation> invitations) {
        List<RecipientResult> out = new ArrayList<>();
        for (MailAddress address : draft.recipients()) {
            Resolved r = recipients.get(address.address());
            out.add(r == null ? new RecipientResult(address.address(), "none", null)
                    : new RecipientResult(address.address(), r.source, r.fingerprint()));
        }
        return new SendResult(headers.messageId(), draft.format, draft.encrypt, draft.sign, out, invitations);
    }

    /** A built mail, and its content before encryption (signed if signing): what a guest's copy holds. */
    public record Built(byte[] mail, byte[] content) {
        @Override
        public String toString() {
            return "Built[" + mail.length + " bytes, redacted]";
        }
    }

    /** Builds the mail: signs (key-service) and encrypts (here) as the draft says. */
    private Uni<Built> build(InternalIdentity user, Draft draft, MessageHeaders headers,
            Map<String, Resolved> recipients, KeyServiceClient.Unlock unlock) {
        List<PGPPublicKey> encryptTo = recipients.values().stream().map(Resolved::key).distinct().toList();
        if (draft.format.equals(PGP_MIME)) {
            byte[] entity = draft.entity(draft.encrypt ? headers : null);
            Uni<byte[]> content = draft.sign
                    ? keys.sign(user, entity, unlock, false, true).emitOn(Infrastructure.getDefaultWorkerPool())
                            .map(sig -> PgpMimeWriter.signed(entity,
                            new String(sig.signature(), StandardCharsets.US_ASCII),
                            DetachedSignatures.hashName(sig.signature()).orElse("sha256")))
                    : Uni.createFrom().item(entity);
            return content.emitOn(Infrastructure.getDefaultWorkerPool()).map(inner -> {
                if (!draft.encrypt) {
                    return new Built(MailComposer.compose(headers, inner), inner);
                }
                String armored = new String(crypto.encryptArmored(encryptTo, inner, null), StandardCharsets.US_ASCII);
                // Protected headers: the real subject travels inside; the outer one says nothing.
                return new Built(MailComposer.compose(headers.withSubject("..."), PgpMimeWriter.encrypted(armored)), inner);
            });
        }
        // A guest's copy of an inline mail is the PGP/MIME form of the same content (the guest reader shows either).
        byte[] content = draft.entity(null);
        return inline(user, draft, unlock, encryptTo).map(entity -> new Built(MailComposer.compose(headers, entity), content));
    }

    /** Inline PGP: the text as an armored message (or cleartext-signed), each attachment encrypted on its own. */
    private Uni<byte[]> inline(InternalIdentity user, Draft draft, KeyServiceClient.Unlock unlock,
            List<PGPPublicKey> encryptTo) {
        byte[] text = draft.text.getBytes(StandardCharsets.UTF_8);
        Uni<String> body;
        if (draft.encrypt) {
            body = signature(user, text, unlock, draft.sign).emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(sig -> new String(crypto.encryptArmored(encryptTo, text, sig), StandardCharsets.US_ASCII));
        } else if (draft.sign) {
            body = keys.sign(user, Cleartext.signedText(draft.text), unlock, true, true)
                    .emitOn(Infrastructure.getDefaultWorkerPool()).map(sig -> Cleartext.frame(
                    draft.text, DetachedSignatures.hashName(sig.signature()).orElse("sha256"),
                    new String(sig.signature(), StandardCharsets.US_ASCII)));
        } else {
            body = Uni.createFrom().item(draft.text);
        }
        return body.emitOn(Infrastructure.getDefaultWorkerPool()).chain(armoredText -> {
            if (draft.attachments.isEmpty()) {
                return Uni.createFrom().item(PgpMimeWriter.inline(armoredText));
            }
            Uni<List<Attachment>> files = Uni.createFrom().item(new ArrayList<Attachment>());
            for (Attachment attachment : draft.attachments) {
                files = files.chain(list -> (draft.encrypt
                        ? signature(user, attachment.content(), unlock, draft.sign).emitOn(Infrastructure.getDefaultWorkerPool())
                                .map(sig -> new Attachment(attachment.fileName() + ".pgp", "application/pgp-encrypted",
                                        crypto.encryptArmored(encryptTo, attachment.content(), sig)))
                        : Uni.createFrom().item(attachment)).map(file -> {
                            list.add(file);
                            return list;
                        }));
            }
            return files.map(list -> {
                MimeEntityBuilder builder = MimeEntityBuilder.create().part(PgpMimeWriter.inline(armoredText));
                list.forEach(builder::attach);
                return builder.build();
            });
        });
    }

    /** A binary signature over {@code data} to put inside an encrypted message, or null when not signing. */
    private Uni<byte[]> signature(InternalIdentity user, byte[] data, KeyServiceClient.Unlock unlock, boolean sign) {
        return sign ? keys.sign(user, data, unlock, false, false).map(KeyServiceClient.Signature::signature)
                : Uni.createFrom().nullItem();
    }

    /** Every recipient's encryption key and the sender's own; refusals name the address and the reason. */
    private Uni<Map<String, Resolved>> resolve(InternalIdentity user, Draft draft, boolean mayInviteGuests) {
        List<String> addresses = new ArrayList<>();
        addresses.add(draft.from.address());
        draft.recipients().stream().map(MailAddress::address).filter(a -> !addresses.contains(a)).forEach(addresses::add);
        List<Uni<Resolved>> lookups = addresses.stream().map(address -> keys.recipient(user, address)
                .map(found -> Resolved.of(address, found, address.equals(draft.from.address()), mayInviteGuests)))
                .toList();
        return Uni.join().all(lookups).andFailFast().map(all -> {
            Map<String, Resolved> out = new LinkedHashMap<>();
            all.forEach(r -> out.put(r.address, r));
            return out;
        });
    }

    /** The sender's Autocrypt header (their own key), when the deployment sends them. */
    private Uni<Optional<AutocryptHeader>> autocryptHeader(InternalIdentity user, Map<String, Resolved> recipients) {
        if (!config.autocrypt().send()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String own = user.email().toLowerCase(Locale.ROOT);
        Resolved mine = recipients.get(own);
        Uni<Optional<PGPPublicKeyRing>> ring = mine != null && mine.ring != null ? Uni.createFrom().item(Optional.of(mine.ring))
                : keys.recipient(user, own).map(found -> found.keys().stream().findFirst()
                        .flatMap(k -> RecipientKeys.certificate(k.armored())))
                        .onFailure().recoverWithItem(Optional.empty());
        return ring.map(found -> found.map(r -> {
            try {
                return new AutocryptHeader(own, true, r.getEncoded());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    /**
     * A recipient's key as key-service found it. {@code key} null with {@code guest}: no key anywhere, a guest
     * account will stand in; once it does, {@code account} is key-service's answer for it.
     */
    public record Resolved(String address, String source, PGPPublicKey key, PGPPublicKeyRing ring, boolean guest,
            KeyServiceClient.Guest account) {

        static Resolved of(String address, KeyServiceClient.Recipient found, boolean own, boolean guestsAllowed) {
            Instant now = Instant.now();
            for (KeyServiceClient.RecipientKey candidate : found.keys()) {
                Optional<PGPPublicKeyRing> ring = RecipientKeys.certificate(candidate.armored());
                Optional<PGPPublicKey> key = ring.flatMap(r -> RecipientKeys.encryptionKey(r, now));
                if (key.isPresent()) {
                    return new Resolved(address, candidate.source().toLowerCase(Locale.ROOT), key.get(), ring.get(), false, null);
                }
            }
            if (!found.keys().isEmpty() && !own) {
                // Keys that are valid but none can encrypt (no encryption subkey, an algorithm we cannot use): the
                // recipient has keys, so a guest would be wrong; say so.
                throw new GuardProblemException(422, "recipient-key-unusable", "Unprocessable content",
                        "cannot encrypt to " + address + ": none of their keys (" + found.keys().get(0).fingerprint()
                                + ") can be used for encryption; ask them for a new key or send without encryption");
            }
            if (own) {
                throw GuardProblemException.conflict("no-key",
                        "you have no usable key: create one (POST /api/keys) before sending encrypted mail");
            }
            if (!found.unusable().isEmpty()) {
                KeyServiceClient.UnusableKey refused = found.unusable().get(0);
                throw new GuardProblemException(422, "recipient-key-unusable", "Unprocessable content",
                        "cannot encrypt to " + address + ": their key " + refused.fingerprint() + " is " + refused.reason()
                                + "; ask them for a new key or send without encryption");
            }
            if (!guestsAllowed) {
                throw new GuardProblemException(422, "recipient-without-key", "Unprocessable content",
                        "no key was found for " + address + " (Guard users, your keyring, WKD, key servers), and this "
                                + "deployment does not invite guests");
            }
            return new Resolved(address, "guest", null, null, true, null);
        }

        String fingerprint() {
            return key == null ? null : java.util.HexFormat.of().withUpperCase().formatHex(
                    ring != null ? ring.getPublicKey().getFingerprint() : key.getFingerprint());
        }
    }

    /** A checked compose request. */
    public static final class Draft {
        final MailAddress from;
        final List<MailAddress> to;
        final List<MailAddress> cc;
        final List<MailAddress> bcc;
        final String subject;
        final String text;
        final String html;
        final List<Attachment> attachments;
        final String format;
        final boolean encrypt;
        final boolean sign;
        final String inReplyTo;

        private Draft(MailAddress from, List<MailAddress> to, List<MailAddress> cc, List<MailAddress> bcc,
                String subject, String text, String html, List<Attachment> attachments, String format,
                boolean encrypt, boolean sign, String inReplyTo) {
            this.from = from;
            this.to = to;
            this.cc = cc;
            this.bcc = bcc;
            this.subject = subject;
            this.text = text;
            this.html = html;
            this.attachments = attachments;
            this.format = format;
            this.encrypt = encrypt;
            this.sign = sign;
            this.inReplyTo = inReplyTo;
        }

        static Draft of(ComposeRequest request, InternalIdentity user, MailConfig config) {
            if (request == null) {
                throw GuardProblemException.badRequest("invalid-mail", "send the mail as JSON: to, subject, text...");
            }
            List<MailAddress> to = addresses(request.to(), "to");
            List<MailAddress> cc = addresses(request.cc(), "cc");
            List<MailAddress> bcc = addresses(request.bcc(), "bcc");
            if (to.size() + cc.size() + bcc.size() == 0) {
                throw GuardProblemException.badRequest("no-recipients", "name at least one recipient in to, cc or bcc");
            }
            if (to.size() + cc.size() + bcc.size() > 100) {
                throw GuardProblemException.badRequest("too-many-recipients", "a mail can have at most 100 recipients");
            }
            String format = request.format() == null ? config.defaultFormat() : request.format().toLowerCase(Locale.ROOT);
            if (!format.equals(PGP_MIME) && !format.equals(INLINE)) {
                throw GuardProblemException.badRequest("invalid-format", "\"format\" must be \"pgp-mime\" or \"inline\"");
            }
            if (format.equals(INLINE) && request.html() != null && !request.html().isEmpty()) {
                throw GuardProblemException.badRequest("inline-html",
                        "inline PGP carries plain text only: send the HTML body with format \"pgp-mime\"");
            }
            long size = 0;
            List<Attachment> attachments = new ArrayList<>();
            for (ComposeRequest.AttachmentRequest a : request.attachments()) {
                if (a == null || a.name() == null || a.name().isBlank() || a.content() == null) {
                    throw GuardProblemException.badRequest("invalid-attachment",
                            "every attachment needs a \"name\" and its \"content\" in base64");
                }
                byte[] content;
                try {
                    content = Base64.getMimeDecoder().decode(a.content());
                } catch (IllegalArgumentException e) {
                    throw GuardProblemException.badRequest("invalid-attachment",
                            "the content of attachment \"" + a.name() + "\" is not valid base64");
                }
                size += content.length;
                String type = a.contentType() == null || !a.contentType().matches("[\\w.+-]+/[\\w.+-]+")
                        ? "application/octet-stream" : a.contentType().toLowerCase(Locale.ROOT);
                try {
                    attachments.add(new Attachment(a.name(), type, content));
                } catch (IllegalArgumentException e) {
                    throw GuardProblemException.badRequest("invalid-attachment", "attachment \"" + a.name() + "\": " + e.getMessage());
                }
            }
            String text = request.text() == null ? "" : request.text();
            String html = request.html() == null || request.html().isEmpty() ? null : request.html();
            size += text.length() * 3L + (html == null ? 0 : html.length() * 3L);
            if (size > config.maxSendSize()) {
                throw new GuardProblemException(413, "too-large", "Payload too large",
                        "the mail is larger than " + config.maxSendSize() + " bytes");
            }
            return new Draft(MailAddress.of(user.email()), to, cc, bcc, request.subject() == null ? "" : request.subject(),
                    text, html, attachments, format, request.encrypting(), request.signing(),
                    request.inReplyTo());
        }

        private static List<MailAddress> addresses(List<String> values, String field) {
            List<MailAddress> out = new ArrayList<>();
            for (String value : values) {
                List<MailAddress> parsed = value == null ? List.of() : Envelope.parseAddresses(value);
                if (parsed.isEmpty() || parsed.stream().anyMatch(a -> !a.address().matches("[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+"))) {
                    throw GuardProblemException.badRequest("invalid-address",
                            "\"" + field + "\" holds something that is not an e-mail address: " + value);
                }
                out.addAll(parsed);
            }
            return out;
        }

        List<MailAddress> recipients() {
            List<MailAddress> all = new ArrayList<>(to);
            all.addAll(cc);
            all.addAll(bcc);
            return all;
        }

        MessageHeaders headers(MailComposer composer, Optional<AutocryptHeader> autocrypt) {
            MessageHeaders.Builder builder = composer.headers().from(from).to(to.toArray(MailAddress[]::new))
                    .cc(cc.toArray(MailAddress[]::new)).bcc(bcc.toArray(MailAddress[]::new)).subject(subject);
            if (inReplyTo != null && !inReplyTo.isBlank()) {
                builder.inReplyTo(inReplyTo.replaceAll("[<>\\s]", ""), List.of());
            }
            autocrypt.ifPresent(header -> builder.header(header.toHeader()));
            return builder.build();
        }

        /** The content entity; with {@code protectedHeaders} the envelope goes inside it (encrypted mail). */
        byte[] entity(MessageHeaders protectedHeaders) {
            MimeEntityBuilder builder = MimeEntityBuilder.create();
            if (!text.isEmpty() || html == null) {
                builder.text(text);
            }
            if (html != null) {
                builder.html(html);
            }
            attachments.forEach(builder::attach);
            if (protectedHeaders != null) {
                builder.protectedHeaders(protectedHeaders);
            }
            return builder.build();
        }
    }
}
