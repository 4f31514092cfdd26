package io.guardcluster.mailservice.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What OpenPGP a message (or any part) holds, by its MIME structure: {@link #classify(MimePart)}.
 * <ul>
 * <li>{@link Encrypted}: PGP/MIME encrypted (RFC 3156 section 4). Decrypt {@link Encrypted#message()}; the plaintext
 * is a MIME entity: {@link MimeParser#parse(byte[])} it and classify that again (it may be PGP/MIME signed).</li>
 * <li>{@link Signed}: PGP/MIME signed (RFC 3156 section 5). Verify {@link Signed#signature()} over
 * {@link Signed#signedData()}; only {@link Signed#signedPart()} is covered by it.</li>
 * <li>{@link Inline}: no PGP/MIME at this level; the inline PGP in its text parts, its OpenPGP attachments, and PGP/MIME
 * containers deeper in the tree (e.g. a signed message to which a mailing list appended a footer part: only that
 * container is signed, so a UI must not show the whole message as signed). {@link Inline#isEmpty()} if none.</li>
 * </ul>
 * A message that claims PGP/MIME (by its Content-Type and protocol) but is not built as RFC 3156 says is refused with a
 * {@link MimeFormatException} rather than guessed at: a half-understood structure is where signature spoofing lives.
 * The one repair made is for Microsoft Exchange's known rewrite of multipart/encrypted into multipart/mixed (the same
 * three parts; {@link Encrypted#repaired()}), as Thunderbird and Enigmail make it.
 */
public sealed interface PgpStructure permits PgpStructure.Encrypted, PgpStructure.Signed, PgpStructure.Inline {

    /** The part this classification is about. */
    MimePart part();

    /**
     * A PGP/MIME encrypted entity.
     *
     * @param part     the multipart/encrypted (or the repaired multipart/mixed)
     * @param message  the encrypted OpenPGP message of the second part (armored, as RFC 3156 requires)
     * @param repaired true if this was an Exchange-rewritten multipart/mixed
     */
    record Encrypted(MimePart part, PgpData message, boolean repaired) implements PgpStructure {
    }

    /**
     * A PGP/MIME signed entity.
     *
     * @param part          the multipart/signed
     * @param signedPart    its first part: the content that is signed
     * @param signedData    the bytes the signature is over: the first part exactly as transmitted, with CRLF line
     *                      endings (RFC 3156 section 5)
     * @param signature     the detached signature of the second part
     * @param micalg        the micalg parameter as sent, lower case ("pgp-sha256"), "" if absent
     */
    record Signed(MimePart part, MimePart signedPart, byte[] signedData, PgpData signature, String micalg)
            implements PgpStructure {

        public Signed {
            signedData = signedData.clone();
        }

        @Override
        public byte[] signedData() {
            return signedData.clone();
        }

        /**
         * The hash named by micalg, upper case without the "pgp-" prefix ("SHA256"), if micalg is of that form. Only a
         * hint: what counts is the hash in the signature packet (RFC 3156 says the two must match; a verifier may
         * refuse a mismatch).
         */
        public Optional<String> hashAlgorithm() {
            return micalg.startsWith("pgp-") && micalg.length() > 4
                    ? Optional.of(micalg.substring(4).toUpperCase(Locale.ROOT))
                    : Optional.empty();
        }

        @Override
        public String toString() {
            return "Signed[" + micalg + ", " + signedData.length + " bytes signed]";
        }
    }

    /**
     * No PGP/MIME at this level: what OpenPGP there is below it.
     *
     * @param texts       text/plain parts (not attachments) with armored or cleartext-signed blocks, in message order
     * @param htmlWithPgp text/html parts with a BEGIN PGP line; not taken apart here (HTML to text is lossy, so a
     *                    cleartext signature could not be checked over what is shown; Thunderbird does not decrypt inline
     *                    PGP in HTML either). A UI can offer the plain alternative or say that it cannot read it.
     * @param attachments OpenPGP attachments (by Content-Type, by name *.pgp, *.gpg, *.asc, *.sig, or by armor)
     * @param nested      PGP/MIME containers deeper in the tree; {@link #classify(MimePart)} each
     */
    record Inline(MimePart part, List<InlineText> texts, List<MimePart> htmlWithPgp, List<PgpAttachment> attachments,
            List<MimePart> nested) implements PgpStructure {

        public Inline {
            texts = List.copyOf(texts);
            htmlWithPgp = List.copyOf(htmlWithPgp);
            attachments = List.copyOf(attachments);
            nested = List.copyOf(nested);
        }

        /** Whether there is no OpenPGP at all. */
        public boolean isEmpty() {
            return texts.isEmpty() && htmlWithPgp.isEmpty() && attachments.isEmpty() && nested.isEmpty();
        }
    }

    /** A text/plain part and its segments ({@link InlinePgp#scan}); at least one is not plain text. */
    record InlineText(MimePart part, List<InlinePgp.Segment> segments) {

        public InlineText {
            segments = List.copyOf(segments);
        }
    }

    /** What an OpenPGP attachment seems to hold, from its type, its armor label or its name. */
    enum AttachmentKind {
        ENCRYPTED, SIGNATURE, KEYS, UNKNOWN
    }

    /** An OpenPGP attachment. */
    record PgpAttachment(MimePart part, AttachmentKind kind) {

        /** The attachment's content (decoded from its transfer encoding). */
        public PgpData data() {
            return PgpData.owned(part.body());
        }
    }

    /** Classifies a part (usually a parsed message's root); see the interface comment. */
    static PgpStructure classify(MimePart part) throws MimeFormatException {
        String protocol = part.contentType().parameter("protocol").orElse("").strip().toLowerCase(Locale.ROOT);
        if (part.contentType().is("multipart/encrypted")
                && (protocol.equals("application/pgp-encrypted") || protocol.isEmpty())) {
            return encrypted(part);
        }
        if (part.contentType().is("multipart/signed") && protocol.equals("application/pgp-signature")) {
            return signed(part);
        }
        if (isExchangeRewrite(part)) {
            return new Encrypted(part, PgpData.owned(part.children().get(2).body()), true);
        }
        return inline(part);
    }

    private static Encrypted encrypted(MimePart part) throws MimeFormatException {
        List<MimePart> parts = part.children();
        if (parts.size() != 2) {
            throw new MimeFormatException("PGP/MIME encrypted message with " + parts.size() + " parts instead of 2");
        }
        if (!parts.get(0).contentType().is("application/pgp-encrypted")) {
            throw new MimeFormatException(
                    "PGP/MIME encrypted message whose first part is not application/pgp-encrypted");
        }
        String control = new String(parts.get(0).body(), StandardCharsets.ISO_8859_1);
        for (String line : control.split("\r?\n")) {
            if (line.regionMatches(true, 0, "Version:", 0, 8) && !line.substring(8).strip().equals("1")) {
                throw new MimeFormatException("PGP/MIME encrypted message of a version other than 1");
            }
        }
        if (!parts.get(1).contentType().is("application/octet-stream")) {
            throw new MimeFormatException(
                    "PGP/MIME encrypted message whose second part is not application/octet-stream");
        }
        return new Encrypted(part, PgpData.owned(parts.get(1).body()), false);
    }

    private static Signed signed(MimePart part) throws MimeFormatException {
        List<MimePart> parts = part.children();
        if (parts.size() != 2) {
            throw new MimeFormatException("PGP/MIME signed message with " + parts.size() + " parts instead of 2");
        }
        if (!parts.get(1).contentType().is("application/pgp-signature")) {
            throw new MimeFormatException(
                    "PGP/MIME signed message whose second part is not application/pgp-signature");
        }
        String micalg = part.contentType().parameter("micalg").orElse("").strip().toLowerCase(Locale.ROOT);
        return new Signed(part, parts.get(0), parts.get(0).canonicalBytes(), PgpData.owned(parts.get(1).body()),
                micalg);
    }

    /** Exchange's rewrite: multipart/mixed of an empty text/plain, application/pgp-encrypted, application/octet-stream. */
    private static boolean isExchangeRewrite(MimePart part) {
        if (!part.contentType().is("multipart/mixed") || part.children().size() != 3) {
            return false;
        }
        List<MimePart> parts = part.children();
        // types first: the bodies are only decoded for a message that already looks like the rewrite
        return parts.get(0).contentType().is("text/plain") && parts.get(1).contentType().is("application/pgp-encrypted")
                && parts.get(2).contentType().is("application/octet-stream") && parts.get(0).rawSize() < 4096
                && parts.get(0).body().length < 16
                && new String(parts.get(0).body(), StandardCharsets.ISO_8859_1).isBlank()
                && parts.get(1).contentType().is("application/pgp-encrypted")
                && new String(parts.get(1).body(), StandardCharsets.ISO_8859_1).contains("Version: 1")
                && parts.get(2).contentType().is("application/octet-stream")
                && Armor.label(parts.get(2).body()).filter("PGP MESSAGE"::equals).isPresent();
    }

    private static Inline inline(MimePart root) {
        List<InlineText> texts = new ArrayList<>();
        List<MimePart> html = new ArrayList<>();
        List<PgpAttachment> attachments = new ArrayList<>();
        List<MimePart> nested = new ArrayList<>();
        collect(root, root, texts, html, attachments, nested);
        return new Inline(root, texts, html, attachments, nested);
    }

    private static void collect(MimePart root, MimePart part, List<InlineText> texts, List<MimePart> html,
            List<PgpAttachment> attachments, List<MimePart> nested) {
        if (part != root && (part.contentType().is("multipart/encrypted") || part.contentType().is("multipart/signed")
                && part.contentType().parameter("protocol").orElse("").equalsIgnoreCase("application/pgp-signature"))) {
            nested.add(part);
            return;
        }
        if (part.isMultipart()) {
            for (MimePart child : part.children()) {
                collect(root, child, texts, html, attachments, nested);
            }
            return;
        }
        AttachmentKind kind = attachmentKind(part);
        if (kind != null) {
            attachments.add(new PgpAttachment(part, kind));
            return;
        }
        if (part.isAttachment() || !part.contentType().isText()) {
            return;
        }
        byte[] body = part.body();
        if (!InlinePgp.mayContainPgp(body)) {
            return;
        }
        if (part.contentType().is("text/html")) {
            html.add(part);
        } else if (part.contentType().is("text/plain")) {
            List<InlinePgp.Segment> segments = InlinePgp.scan(body, part.text().charset());
            if (segments.stream().anyMatch(s -> !(s instanceof InlinePgp.Text))) {
                texts.add(new InlineText(part, segments));
            }
        }
    }

    private static AttachmentKind attachmentKind(MimePart part) {
        String type = part.mimeType();
        switch (type) {
            case "application/pgp-encrypted" -> {
                return AttachmentKind.ENCRYPTED;
            }
            case "application/pgp-signature" -> {
                return AttachmentKind.SIGNATURE;
            }
            case "application/pgp-keys" -> {
                return AttachmentKind.KEYS;
            }
            default -> {
            }
        }
        String name = part.fileName().orElse("").toLowerCase(Locale.ROOT);
        boolean pgpName = name.endsWith(".pgp") || name.endsWith(".gpg") || name.endsWith(".asc")
                || name.endsWith(".sig");
        if (!pgpName) {
            return null;
        }
        Optional<String> label = Armor.label(part.body());
        if (label.isPresent()) {
            return switch (label.get()) {
                case "PGP MESSAGE" -> AttachmentKind.ENCRYPTED;
                case "PGP SIGNATURE" -> AttachmentKind.SIGNATURE;
                case "PGP PUBLIC KEY BLOCK" -> AttachmentKind.KEYS;
                default -> AttachmentKind.UNKNOWN;
            };
        }
        if (name.endsWith(".sig")) {
            return AttachmentKind.SIGNATURE;
        }
        return name.endsWith(".asc") ? AttachmentKind.UNKNOWN : AttachmentKind.ENCRYPTED;
    }
}
