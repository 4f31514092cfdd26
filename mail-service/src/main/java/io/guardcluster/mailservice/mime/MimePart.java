package io.guardcluster.mailservice.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

/**
 * One MIME entity of a parsed message (the message itself is the root): its header, its place in the tree and its
 * bytes. Immutable and safe to share between threads; every {@code byte[]} it returns is a fresh copy.
 * <p>
 * The bytes are kept once for the whole message; a part is a view of its range. {@link #rawBytes()} is that range
 * exactly as it appears in the message (header, blank line, body; for a part of a multipart, without the line break
 * that belongs to the following boundary, RFC 2046 section 5.1.1): what a {@code multipart/signed} signature covers,
 * after {@link LineEndings#canonicalCrlf}. Bodies are decoded from the raw bytes on each call of {@link #body()} or
 * {@link #text()}, so a parsed message costs its size in memory once, whatever its attachments.
 * <p>
 * A {@code message/rfc822} part is a leaf here: parse its {@link #body()} again to look inside.
 */
public final class MimePart {

    private final byte[] buffer;
    private final int start;
    private final int bodyStart;
    private final int end;
    private final int depth;
    private final List<HeaderField> headers;
    private final ContentType contentType;
    private final String transferEncoding;
    private final ContentDisposition disposition;
    private final List<MimePart> children;
    private final boolean closed;

    MimePart(byte[] buffer, int start, int bodyStart, int end, int depth, List<HeaderField> headers,
            ContentType contentType, String transferEncoding, ContentDisposition disposition, List<MimePart> children,
            boolean closed) {
        this.buffer = buffer;
        this.start = start;
        this.bodyStart = bodyStart;
        this.end = end;
        this.depth = depth;
        this.headers = List.copyOf(headers);
        this.contentType = contentType;
        this.transferEncoding = transferEncoding;
        this.disposition = disposition;
        this.children = List.copyOf(children);
        this.closed = closed;
    }

    /** Every header field of this entity, in message order. */
    public List<HeaderField> headers() {
        return headers;
    }

    /** The first field called {@code name} (case-insensitive), its value unfolded but not decoded. */
    public Optional<String> header(String name) {
        return headers.stream().filter(f -> f.is(name)).map(HeaderField::value).findFirst();
    }

    /** All values of the fields called {@code name}, in message order. */
    public List<String> headerValues(String name) {
        return headers.stream().filter(f -> f.is(name)).map(HeaderField::value).toList();
    }

    /** The first field called {@code name} with RFC 2047 encoded words decoded (for unstructured fields). */
    public Optional<String> decodedHeader(String name) {
        return headers.stream().filter(f -> f.is(name)).map(HeaderField::decoded).findFirst();
    }

    public ContentType contentType() {
        return contentType;
    }

    /** Shortcut for {@code contentType().mimeType()}: "type/subtype", lower case. */
    public String mimeType() {
        return contentType.mimeType();
    }

    public boolean isMultipart() {
        return contentType.isMultipart();
    }

    /** The Content-Transfer-Encoding, lower case; "7bit" when absent. */
    public String transferEncoding() {
        return transferEncoding;
    }

    public Optional<ContentDisposition> disposition() {
        return Optional.ofNullable(disposition);
    }

    /** The file name: Content-Disposition's filename, else Content-Type's name (both RFC 2231/2047 decoded). */
    public Optional<String> fileName() {
        Optional<String> name = disposition().flatMap(ContentDisposition::fileName);
        return name.isPresent() ? name : contentType.parameter("name").filter(n -> !n.isBlank());
    }

    /** Whether a mail client would list this part as an attachment: disposition attachment, or a named leaf not inline. */
    public boolean isAttachment() {
        if (isMultipart()) {
            return false;
        }
        if (disposition != null) {
            return disposition.isAttachment() || !disposition.isInline() && fileName().isPresent();
        }
        return fileName().isPresent();
    }

    /** The Content-ID without its angle brackets. */
    public Optional<String> contentId() {
        return header("Content-ID").map(MimePart::stripAngles).filter(id -> !id.isEmpty());
    }

    /** The parts of a multipart, in order; empty for a leaf. */
    public List<MimePart> children() {
        return children;
    }

    /**
     * For a multipart: whether its close delimiter ("--boundary--") was there. Clients accept a multipart without it
     * (a truncated mail), so does the parser; a caller that needs a complete message checks this.
     */
    public boolean isComplete() {
        return closed;
    }

    /** How deep in the tree this part is: 0 for the message, 1 for its parts, ... */
    public int depth() {
        return depth;
    }

    /** This part and all parts below it, depth first, in message order. */
    public Stream<MimePart> stream() {
        return Stream.concat(Stream.of(this), children.stream().flatMap(MimePart::stream));
    }

    /** The size of {@link #rawBytes()}. */
    public int rawSize() {
        return end - start;
    }

    /** The entity's bytes exactly as in the message: header, blank line, body (see the class comment). */
    public byte[] rawBytes() {
        return Arrays.copyOfRange(buffer, start, end);
    }

    /**
     * {@link #rawBytes()} with every line ending CRLF: the data a PGP/MIME signature over this part is computed on
     * (RFC 3156 section 5), also when the message was stored with LF line endings.
     */
    public byte[] canonicalBytes() {
        return LineEndings.canonicalCrlf(buffer, start, end - start);
    }

    /** The header section as in the message, with the blank line that ends it. */
    public byte[] rawHeader() {
        return Arrays.copyOfRange(buffer, start, bodyStart);
    }

    /** The body as in the message, still transfer-encoded (for a multipart: preamble, parts, epilogue). */
    public byte[] rawBody() {
        return Arrays.copyOfRange(buffer, bodyStart, end);
    }

    /**
     * The body decoded from its transfer encoding (base64, quoted-printable; 7bit, 8bit, binary and unknown encodings
     * as they are). Broken encoding is decoded leniently (invalid base64 characters skipped), as mail clients do. For a
     * multipart, the raw body.
     */
    public byte[] body() {
        try (InputStream in = openBody()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("decoding from memory cannot fail", e);
        }
    }

    /** {@link #body()} as a stream, decoded while read. */
    public InputStream openBody() {
        InputStream raw = new ByteArrayInputStream(buffer, bodyStart, end - bodyStart);
        if (isMultipart()) {
            return raw;
        }
        return switch (transferEncoding) {
            case "base64" -> new Base64InputStream(raw, DecodeMonitor.SILENT);
            case "quoted-printable" -> new QuotedPrintableInputStream(raw, DecodeMonitor.SILENT);
            default -> raw;
        };
    }

    /**
     * The body as text, decoded with the charset parameter. Never fails: an unknown charset, or 8-bit bytes labelled
     * us-ascii (or unlabelled), are decoded as UTF-8 if valid, else windows-1252, and the result says so.
     */
    public DecodedText text() {
        return decodeText(body(), contentType.charset().orElse(null));
    }

    static DecodedText decodeText(byte[] bytes, String charsetName) {
        Optional<Charset> declared = Charsets.lookup(charsetName);
        boolean ascii = Charsets.isAscii(bytes, 0, bytes.length);
        if (declared.isPresent() && !(declared.get().equals(StandardCharsets.US_ASCII) && !ascii)) {
            return new DecodedText(Charsets.decode(bytes, declared.get()), declared.get(), false);
        }
        if (declared.isEmpty() && charsetName == null && ascii) {
            return new DecodedText(new String(bytes, StandardCharsets.US_ASCII), StandardCharsets.US_ASCII, false);
        }
        Charset guess = Charsets.guess(bytes);
        return new DecodedText(Charsets.decode(bytes, guess), guess, true);
    }

    static String stripAngles(String id) {
        String s = id.strip();
        if (s.startsWith("<")) {
            s = s.substring(1);
        }
        int close = s.indexOf('>');
        return (close >= 0 ? s.substring(0, close) : s).strip();
    }

    @Override
    public String toString() {
        // structure only: no header values, no content
        return "MimePart[" + contentType.mimeType() + ", depth " + depth + ", " + rawSize() + " bytes"
                + (children.isEmpty() ? "" : ", " + children.size() + " parts") + "]";
    }
}
