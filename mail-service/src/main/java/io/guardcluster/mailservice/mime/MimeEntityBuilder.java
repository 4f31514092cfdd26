package io.guardcluster.mailservice.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a MIME entity (header with Content-Type etc., and body; no envelope fields): the content of a mail, and what
 * gets signed or encrypted inside PGP/MIME. Not thread-safe; {@link #build()} may be called more than once.
 * <ul>
 * <li>text only: text/plain; HTML only: text/html; both: multipart/alternative (text first, as RFC 2046 5.1.4
 * orders from plainest to richest)</li>
 * <li>with attachments or added entities: multipart/mixed, the text first</li>
 * <li>neither text nor HTML nor attachments: an empty text/plain</li>
 * </ul>
 * The result is canonical and transport-safe, so a signature over exactly these bytes verifies after any mail
 * server: CRLF everywhere, 7-bit (UTF-8 text as quoted-printable unless it is short-lined ASCII, attachments base64,
 * non-ASCII header text as RFC 2047 words, file names as RFC 2231), lines of at most 78 characters, no trailing
 * whitespace. Sign {@link #build()}'s bytes as they are; {@link PgpMimeWriter#signed} puts them on the wire unchanged.
 */
public final class MimeEntityBuilder {

    private String text;
    private String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<byte[]> entities = new ArrayList<>();
    private final List<HeaderField> headers = new ArrayList<>();
    private MessageHeaders protectedHeaders;

    private MimeEntityBuilder() {
    }

    public static MimeEntityBuilder create() {
        return new MimeEntityBuilder();
    }

    /** The plain text body (any line endings; written as CRLF UTF-8). */
    public MimeEntityBuilder text(String plainText) {
        this.text = Objects.requireNonNull(plainText, "plainText");
        return this;
    }

    /** The HTML body (UTF-8; the document should say charset UTF-8 if it has a meta charset). */
    public MimeEntityBuilder html(String htmlText) {
        this.html = Objects.requireNonNull(htmlText, "htmlText");
        return this;
    }

    public MimeEntityBuilder attach(Attachment attachment) {
        attachments.add(Objects.requireNonNull(attachment, "attachment"));
        return this;
    }

    /**
     * Adds a ready entity as a part of the multipart/mixed (after the attachments): a nested structure built
     * elsewhere, e.g. another builder's result or a message/rfc822 entity. Must be CRLF text; it is written as it is,
     * so it must be 7-bit itself if the result is to be signed.
     */
    public MimeEntityBuilder part(byte[] entity) {
        if (!LineEndings.isCanonicalCrlf(entity)) {
            throw new IllegalArgumentException("an entity must have CRLF line endings");
        }
        entities.add(entity.clone());
        return this;
    }

    /** An extra field in the top-level header of the entity (e.g. {@link AutocryptHeader#toGossipHeader()}). */
    public MimeEntityBuilder header(HeaderField field) {
        HeaderEncoder.checkName(field.name());
        if (field.name().regionMatches(true, 0, "Content-", 0, 8)) {
            throw new IllegalArgumentException("Content-* fields are written by the builder");
        }
        headers.add(field);
        return this;
    }

    /**
     * Writes the envelope fields (From, To, Cc, Reply-To, Subject, Date, Message-ID, In-Reply-To, References; never Bcc)
     * into the entity's top-level header and marks its Content-Type with {@code protected-headers="v1"}
     * (draft-autocrypt-lamps-protected-headers): inside a signature they are signed, inside encryption hidden. Whether
     * the outer Subject is then replaced by "..." is the caller's choice ({@link MessageHeaders#withSubject}); it
     * should be for encrypted mail.
     */
    public MimeEntityBuilder protectedHeaders(MessageHeaders envelope) {
        this.protectedHeaders = Objects.requireNonNull(envelope, "envelope");
        return this;
    }

    /** The entity bytes. */
    public byte[] build() {
        List<String> top = topHeaderLines();
        List<String[]> topParameters = protectedHeaders == null ? List.of()
                : List.<String[]>of(new String[] {"protected-headers", "v1"});
        boolean mixed = !attachments.isEmpty() || !entities.isEmpty();
        if (!mixed) {
            return content(top, topParameters);
        }
        List<byte[]> parts = new ArrayList<>();
        if (text != null || html != null) {
            parts.add(content(List.of(), List.of()));
        }
        for (Attachment attachment : attachments) {
            parts.add(attachment(attachment));
        }
        parts.addAll(entities);
        return Multipart.write("mixed", topParameters, top, null, parts);
    }

    private List<String> topHeaderLines() {
        List<String> lines = new ArrayList<>();
        if (protectedHeaders != null) {
            MessageHeaders h = protectedHeaders;
            lines.add("Date: " + HeaderEncoder.date(h.date()) + "\r\n");
            lines.add(HeaderEncoder.addresses("From", List.of(h.from())));
            if (!h.replyTo().isEmpty()) {
                lines.add(HeaderEncoder.addresses("Reply-To", h.replyTo()));
            }
            if (!h.to().isEmpty()) {
                lines.add(HeaderEncoder.addresses("To", h.to()));
            }
            if (!h.cc().isEmpty()) {
                lines.add(HeaderEncoder.addresses("Cc", h.cc()));
            }
            if (!h.subject().isEmpty()) {
                lines.add(HeaderEncoder.unstructured("Subject", h.subject()));
            }
            lines.add("Message-ID: <" + h.messageId() + ">\r\n");
            if (!h.inReplyTo().isEmpty()) {
                lines.add(HeaderEncoder.fold("In-Reply-To", h.inReplyTo().stream().map(id -> "<" + id + ">").toList()));
            }
            if (!h.references().isEmpty()) {
                lines.add(HeaderEncoder.fold("References", h.references().stream().map(id -> "<" + id + ">").toList()));
            }
        }
        for (HeaderField field : headers) {
            lines.add(HeaderEncoder.unstructured(field.name(), field.value()));
        }
        return lines;
    }

    /** The text/HTML content: one leaf or a multipart/alternative, with {@code top} lines after Content-Type. */
    private byte[] content(List<String> top, List<String[]> topParameters) {
        if (text != null && html != null) {
            return Multipart.write("alternative", topParameters, top, null,
                    List.of(textLeaf("plain", text, List.of(), List.of()), textLeaf("html", html, List.of(), List.of())));
        }
        if (html != null) {
            return textLeaf("html", html, top, topParameters);
        }
        return textLeaf("plain", text == null ? "" : text, top, topParameters);
    }

    static byte[] textLeaf(String subtype, String content, List<String> top, List<String[]> topParameters) {
        BodyEncoder.Encoded encoded = BodyEncoder.text(content);
        List<String[]> parameters = new ArrayList<>();
        parameters.add(new String[] {"charset", "utf-8"});
        parameters.addAll(topParameters);
        List<String> lines = new ArrayList<>();
        lines.add(HeaderEncoder.parameterized("Content-Type", "text/" + subtype, parameters));
        lines.add("Content-Transfer-Encoding: " + encoded.transferEncoding() + "\r\n");
        lines.addAll(top);
        return Multipart.entity(lines, encoded.bytes());
    }

    /** A 7bit leaf of any type: Content-Type with parameters, Content-Transfer-Encoding 7bit, further lines, body. */
    static byte[] textLeafRaw(String mimeType, List<String[]> parameters, List<String> lines, byte[] body) {
        List<String> all = new ArrayList<>();
        all.add(HeaderEncoder.parameterized("Content-Type", mimeType, parameters));
        all.add("Content-Transfer-Encoding: 7bit\r\n");
        all.addAll(lines);
        return Multipart.entity(all, body);
    }

    static byte[] attachment(Attachment attachment) {
        BodyEncoder.Encoded encoded = BodyEncoder.base64(attachment.contentUnsafe());
        List<String[]> name = new ArrayList<>();
        List<String[]> fileName = new ArrayList<>();
        String original = attachment.fileName();
        if (!HeaderEncoder.isPlain(original) || original.length() > 60) {
            name.add(new String[] {"name", HeaderEncoder.asciiFallback(original)});
            fileName.add(new String[] {"filename", HeaderEncoder.asciiFallback(original)});
        }
        name.add(new String[] {"name", original});
        fileName.add(new String[] {"filename", original});
        List<String> lines = new ArrayList<>();
        lines.add(HeaderEncoder.parameterized("Content-Type", attachment.contentType().toLowerCase(java.util.Locale.ROOT),
                name));
        lines.add("Content-Transfer-Encoding: base64\r\n");
        lines.add(HeaderEncoder.parameterized("Content-Disposition", "attachment", fileName));
        return Multipart.entity(lines, encoded.bytes());
    }
}
