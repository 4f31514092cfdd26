package io.guardcluster.mailservice.read;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.autocrypt.AutocryptKeys;
import io.guardcluster.mailservice.backend.GroupwareBackend;
import io.guardcluster.mailservice.backend.UserSession;
import io.guardcluster.mailservice.mime.Envelope;
import io.guardcluster.mailservice.mime.InlinePgp;
import io.guardcluster.mailservice.mime.MailAddress;
import io.guardcluster.mailservice.mime.MimeFormatException;
import io.guardcluster.mailservice.mime.MimeParser;
import io.guardcluster.mailservice.mime.MimePart;
import io.guardcluster.mailservice.mime.PgpStructure;
import io.guardcluster.mailservice.pgp.DetachedSignatures;
import io.guardcluster.mailservice.pgp.MailCrypto;
import io.guardcluster.mailservice.pgp.SenderKeys;
import io.guardcluster.mailservice.pgp.SignatureReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Reads a mail from the groupware with the user's own session and opens it: PGP/MIME (RFC 3156) encrypted and/or
 * signed, inline PGP (armored blocks and cleartext signatures in text parts, OpenPGP attachments), or plain. The
 * session key comes from key-service, the bulk decryption happens here, signatures are checked with the sender's keys
 * as key-service finds them. Nothing decrypted is stored: an attachment download opens the mail again.
 */
@ApplicationScoped
public class MailReader {

    private final GroupwareBackend backend;
    private final KeyServiceClient keys;
    private final MailCrypto crypto;
    private final AutocryptKeys autocrypt;
    private final MeterRegistry meters;
    private final MimeParser parser = new MimeParser();

    MailReader(GroupwareBackend backend, KeyServiceClient keys, MailCrypto crypto, AutocryptKeys autocrypt,
            MeterRegistry meters) {
        this.backend = backend;
        this.keys = keys;
        this.crypto = crypto;
        this.autocrypt = autocrypt;
        this.meters = meters;
    }

    /** The mail {@code folder}/{@code id}, opened for {@code user}. */
    public Uni<MailView> read(InternalIdentity user, UserSession session, String folder, String id,
            KeyServiceClient.Unlock unlock) {
        return open(user, session, folder, id, unlock)
                .chain(opened -> autocrypt.consider(user, opened.root(), opened.senderKeys())
                        // decoding bodies and attachments for the view is CPU work: off the event loop
                        .emitOn(Infrastructure.getDefaultWorkerPool())
                        .map(offer -> MailViews.of(folder, id, opened, offer.orElse(null))))
                .invoke(view -> meters.counter("guard.mail.read", "format", view.security().format(),
                        "encrypted", Boolean.toString(view.security().encrypted())).increment());
    }

    /** One attachment of the mail, decrypted if it is an encrypted one. */
    public Uni<AttachmentContent> attachment(InternalIdentity user, UserSession session, String folder, String id,
            String part, KeyServiceClient.Unlock unlock) {
        return open(user, session, folder, id, unlock).chain(opened -> {
            MimePart found = MailViews.find(opened, part).orElseThrow(() -> GuardProblemException.notFound(
                    "no-such-attachment", "the mail has no attachment " + part));
            String name = MailViews.attachmentName(opened, found, part);
            if (!opened.encryptedAttachments().contains(found)) {
                return Uni.createFrom().item(new AttachmentContent(name, found.mimeType(), found.body()));
            }
            return crypto.decrypt(user, found.body(), unlock, Uni.createFrom().item(opened.senderKeys()))
                    .map(decrypted -> new AttachmentContent(name, guessType(name), decrypted.plaintext()));
        });
    }

    /** An attachment's name, type and (decrypted) content. */
    public record AttachmentContent(String name, String contentType, byte[] content) {
        @Override
        public String toString() {
            return "AttachmentContent[" + contentType + ", " + content.length + " bytes, redacted]";
        }
    }

    /**
     * A guest's copy of a mail, opened for the guest: {@code encrypted} is the OpenPGP message filestore-service
     * keeps (the mail's content, signed by the sender, encrypted to the sender and the guest), {@code senderAddress}
     * the sender as the guest message's row names them (their keys check the signature). The same view as a user's
     * read, with {@code folder} "guest".
     */
    public Uni<MailView> readGuestCopy(InternalIdentity guest, byte[] encrypted, KeyServiceClient.Unlock unlock,
            String senderAddress, String id) {
        return openGuestCopy(guest, encrypted, unlock, senderAddress)
                .map(opened -> MailViews.of("guest", id, opened, null))
                .invoke(view -> meters.counter("guard.mail.read", "format", "guest", "encrypted", "true").increment());
    }

    Uni<Opened> openGuestCopy(InternalIdentity guest, byte[] encrypted, KeyServiceClient.Unlock unlock,
            String senderAddress) {
        Uni<SenderKeys> sender = keys.recipient(guest, senderAddress).map(SenderKeys::of)
                .onFailure().recoverWithItem(SenderKeys.NONE).memoize().indefinitely();
        return crypto.decrypt(guest, encrypted, unlock, sender)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(plain -> sender.chain(senderKeys -> {
                    MimePart inner = parse(plain.plaintext());
                    // The content's own (protected) headers are the envelope: the copy never had an outer one.
                    MimePart headed = classify(inner) instanceof PgpStructure.Signed signed ? signed.signedPart() : inner;
                    Opened.Builder result = new Opened.Builder(inner, Envelope.of(headed)).encrypted("pgp-mime")
                            .senderKeys(senderKeys);
                    plain.signatures().forEach(check -> result.signature(SignatureReport.of(check, senderKeys)));
                    result.innerHeaders(inner);
                    return content(guest, inner, unlock, sender, result);
                }));
    }

    /** Fetches, parses and opens the mail (decrypts, checks signatures). */
    Uni<Opened> open(InternalIdentity user, UserSession session, String folder, String id,
            KeyServiceClient.Unlock unlock) {
        return backend.rawMessage(session, folder, id).chain(raw -> open(user, raw, unlock));
    }

    /** Parses and opens a mail's raw source (decrypts, checks signatures). */
    Uni<Opened> open(InternalIdentity user, byte[] raw, KeyServiceClient.Unlock unlock) {
        return Uni.createFrom().item(raw)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(this::parse)
                .chain(root -> {
                    Envelope envelope = Envelope.of(root);
                    // Signatures are checked where the keys arrive: on a worker, never on the event loop.
                    Uni<SenderKeys> sender = senderKeys(user, envelope).memoize().indefinitely()
                            .emitOn(Infrastructure.getDefaultWorkerPool());
                    PgpStructure structure = classify(root);
                    Opened.Builder result = new Opened.Builder(root, envelope);
                    return switch (structure) {
                        case PgpStructure.Encrypted encrypted -> crypto.decrypt(user, encrypted.message().bytes(), unlock, sender)
                                .emitOn(Infrastructure.getDefaultWorkerPool())
                                .chain(plain -> sender.chain(keys -> {
                                    result.encrypted("pgp-mime").senderKeys(keys);
                                    plain.signatures().forEach(check -> result.signature(SignatureReport.of(check, keys)));
                                    MimePart inner = parse(plain.plaintext());
                                    result.innerHeaders(inner);
                                    return content(user, inner, unlock, sender, result);
                                }));
                        case PgpStructure.Signed signed -> sender.chain(keys -> {
                            result.senderKeys(keys).format("pgp-mime");
                            verify(signed, keys, result);
                            return content(user, signed.signedPart(), unlock, sender, result);
                        });
                        case PgpStructure.Inline inline -> sender.chain(keys -> {
                            result.senderKeys(keys);
                            return inline(user, root, inline, unlock, sender, result);
                        });
                    };
                });
    }

    /** The content inside the outer protection: may be signed again (sign-then-encrypt) or carry inline PGP. */
    private Uni<Opened> content(InternalIdentity user, MimePart part, KeyServiceClient.Unlock unlock,
            Uni<SenderKeys> sender, Opened.Builder result) {
        PgpStructure structure = classify(part);
        if (structure instanceof PgpStructure.Signed signed) {
            verify(signed, result.senderKeys(), result);
            return content(user, signed.signedPart(), unlock, sender, result);
        }
        if (structure instanceof PgpStructure.Inline inline && !inline.isEmpty()) {
            return inline(user, part, inline, unlock, sender, result);
        }
        if (structure instanceof PgpStructure.Encrypted) {
            // Encrypted again inside an encrypted part: no client sends this; refuse rather than loop.
            throw new GuardProblemException(422, "malformed-mail", "Unprocessable content",
                    "the mail's encrypted part holds another encrypted part");
        }
        return Uni.createFrom().item(result.content(part).build());
    }

    /** Inline PGP: decrypts armored messages in text parts one by one, checks cleartext and detached signatures. */
    private Uni<Opened> inline(InternalIdentity user, MimePart content, PgpStructure.Inline inline,
            KeyServiceClient.Unlock unlock, Uni<SenderKeys> sender, Opened.Builder result) {
        result.content(content);
        if (inline.isEmpty()) {
            return Uni.createFrom().item(result.build());
        }
        result.format("inline");
        SenderKeys keys = result.senderKeys();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (PgpStructure.InlineText text : inline.texts()) {
            List<Uni<String>> pieces = new ArrayList<>();
            for (InlinePgp.Segment segment : text.segments()) {
                switch (segment) {
                    case InlinePgp.Text plain -> {
                        pieces.add(Uni.createFrom().item(plain.text()));
                        result.partial(!plain.text().isBlank());
                    }
                    case InlinePgp.ClearSigned signedText -> {
                        DetachedSignatures.verify(signedText.signature().bytes(), signedText.signedData(), keys)
                                .forEach(check -> result.signature(SignatureReport.of(check, keys)));
                        pieces.add(Uni.createFrom().item(signedText.text()));
                    }
                    case InlinePgp.Armored armored when armored.isMessage() -> pieces.add(
                            crypto.decrypt(user, armored.data().bytes(), unlock, sender).map(opened -> {
                                result.encrypted("inline");
                                opened.signatures().forEach(check -> result.signature(SignatureReport.of(check, keys)));
                                return new String(opened.plaintext(), StandardCharsets.UTF_8);
                            }));
                    case InlinePgp.Armored other -> pieces.add(Uni.createFrom().item(other.data().armoredText().orElse("")));
                }
            }
            chain = chain.chain(() -> Uni.join().all(pieces).andFailFast()
                    .invoke(done -> result.text(text.part(), String.join("", done))).replaceWithVoid());
        }
        for (PgpStructure.PgpAttachment attachment : inline.attachments()) {
            switch (attachment.kind()) {
                case ENCRYPTED -> result.encryptedAttachment(attachment.part());
                case SIGNATURE -> detachedAttachmentSignature(content, attachment.part(), keys, result);
                default -> {
                    // keys and unknown OpenPGP data are listed as ordinary attachments
                }
            }
        }
        for (MimePart nested : inline.nested()) {
            if (classify(nested) instanceof PgpStructure.Signed signed) {
                result.format("pgp-mime").partial(true);
                verify(signed, keys, result);
            }
        }
        return chain.emitOn(Infrastructure.getDefaultWorkerPool()).map(done -> result.build());
    }

    /** "report.pdf.sig" next to "report.pdf": the signature over that attachment's content. */
    private static void detachedAttachmentSignature(MimePart content, MimePart signature, SenderKeys keys,
            Opened.Builder result) {
        String name = signature.fileName().orElse("");
        String signedName = name.replaceFirst("(?i)\\.(sig|asc)$", "");
        if (signedName.equals(name)) {
            return;
        }
        content.stream().filter(p -> !p.isMultipart() && p != signature && signedName.equals(p.fileName().orElse(null)))
                .findFirst().ifPresent(signed -> DetachedSignatures.verify(signature.body(), signed.body(), keys)
                        .forEach(check -> result.signature(SignatureReport.of(check, keys)).partial(true)));
    }

    private static void verify(PgpStructure.Signed signed, SenderKeys keys, Opened.Builder result) {
        DetachedSignatures.verify(signed.signature().bytes(), signed.signedData(), keys)
                .forEach(check -> result.signature(SignatureReport.of(check, keys)));
    }

    /** The sender's keys (for checking signatures); none if there is no sender address or key-service fails. */
    private Uni<SenderKeys> senderKeys(InternalIdentity user, Envelope envelope) {
        Optional<String> address = envelope.from().stream().findFirst().map(MailAddress::address);
        if (address.isEmpty()) {
            return Uni.createFrom().item(SenderKeys.NONE);
        }
        return keys.recipient(user, address.get()).map(SenderKeys::of)
                .onFailure().recoverWithItem(SenderKeys.NONE);
    }

    private MimePart parse(byte[] raw) {
        try {
            return parser.parseTaking(raw); // fetched or decrypted for this request only: no copy
        } catch (MimeFormatException e) {
            throw malformed(e);
        }
    }

    private static PgpStructure classify(MimePart part) {
        try {
            return PgpStructure.classify(part);
        } catch (MimeFormatException e) {
            throw malformed(e);
        }
    }

    private static GuardProblemException malformed(MimeFormatException e) {
        // The parser's message says what is wrong with the structure, never content.
        return new GuardProblemException(422, "malformed-mail", "Unprocessable content",
                "the mail is not well-formed MIME: " + e.getMessage());
    }

    /** Types for what decrypted attachments are commonly called; the rest is octet-stream. */
    private static final Map<String, String> TYPES_BY_SUFFIX = Map.of(".txt", "text/plain", ".pdf", "application/pdf",
            ".png", "image/png", ".jpg", "image/jpeg", ".html", "text/html", ".zip", "application/zip");

    private static String guessType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return TYPES_BY_SUFFIX.entrySet().stream().filter(e -> lower.endsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse("application/octet-stream");
    }

    /** A mail opened for reading: the parts to show and what protected them. */
    record Opened(MimePart root, Envelope envelope, MimePart innerHeaders, MimePart content, boolean encrypted,
            String format, List<SignatureReport> signatures, boolean partial, Map<MimePart, String> texts,
            Set<MimePart> encryptedAttachments, SenderKeys senderKeys) {

        /** Collects the outcome while the mail is opened (on one request's chain: never concurrently). */
        static final class Builder {
            private final MimePart root;
            private final Envelope envelope;
            private MimePart innerHeaders;
            private MimePart content;
            private boolean encrypted;
            private String format = "none";
            private final List<SignatureReport> signatures = new ArrayList<>();
            private boolean partial;
            private final Map<MimePart, String> texts = new IdentityHashMap<>();
            private final Set<MimePart> encryptedAttachments = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            private SenderKeys senderKeys = SenderKeys.NONE;

            Builder(MimePart root, Envelope envelope) {
                this.root = root;
                this.envelope = envelope;
            }

            synchronized Builder encrypted(String format) {
                this.encrypted = true;
                this.format = format;
                return this;
            }

            synchronized Builder format(String format) {
                if (!encrypted) {
                    this.format = format;
                }
                return this;
            }

            synchronized Builder signature(SignatureReport report) {
                signatures.add(report);
                return this;
            }

            synchronized Builder partial(boolean partial) {
                this.partial |= partial;
                return this;
            }

            synchronized Builder text(MimePart part, String text) {
                texts.put(part, text);
                return this;
            }

            synchronized Builder encryptedAttachment(MimePart part) {
                encryptedAttachments.add(part);
                return this;
            }

            Builder innerHeaders(MimePart inner) {
                this.innerHeaders = inner;
                return this;
            }

            Builder content(MimePart content) {
                this.content = content;
                return this;
            }

            Builder senderKeys(SenderKeys keys) {
                this.senderKeys = keys;
                return this;
            }

            SenderKeys senderKeys() {
                return senderKeys;
            }

            synchronized Opened build() {
                return new Opened(root, envelope, innerHeaders, content, encrypted, format, List.copyOf(signatures),
                        partial, Map.copyOf(texts), Set.copyOf(encryptedAttachments), senderKeys);
            }
        }
    }
}
