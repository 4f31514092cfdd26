package io.guardcluster.mailservice.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.io.MaxHeaderLengthLimitException;
import org.apache.james.mime4j.io.MaxHeaderLimitException;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Reads a raw RFC 5322 / MIME message into an immutable {@link MimePart} tree. Thread-safe; one instance per set of
 * {@link MimeLimits} is enough.
 * <p>
 * The splitting is mime4j's streaming tokenizer ({@link MimeTokenStream}): per entity one pass that reads the header
 * and finds where the body starts, and for a multipart one pass in raw mode that hands out each body part's bytes as
 * mime4j delimits them. The parser checks, while they stream past, that they are the bytes right after their delimiter
 * line in the message, so each part is a view of the one buffer (memory stays one message, whatever the nesting) and
 * {@link MimePart#rawBytes()} is by construction what the tokenizer split: the bytes that are displayed are the bytes a
 * signature is checked over. A split that is not after a delimiter line is refused (see {@code split}).
 * <p>
 * Lenient where mail clients are: LF-only line endings, a missing close delimiter, header lines that are not fields
 * (skipped), unknown charsets, broken transfer encoding. Strict where ambiguity could make different readers see
 * different content: two Content-Type or Content-Transfer-Encoding fields in one entity, a multipart without a boundary,
 * a boundary that is a prefix of an enclosing one (or the reverse), a boundary that never occurs. Every limit of
 * {@link MimeLimits} is checked while reading, before the memory it guards is spent.
 */
public final class MimeParser {

    /** Bounds mime4j's field count; the byte limit bounds the rest. */
    private static final int MAX_FIELDS = 5000;
    /** RFC 2046 allows 70 characters; tolerate some more, never unbounded. */
    private static final int MAX_BOUNDARY = 200;

    private final MimeLimits limits;
    private final MimeConfig config;

    public MimeParser() {
        this(MimeLimits.DEFAULT);
    }

    public MimeParser(MimeLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.config = MimeConfig.custom()
                .setStrictParsing(false)
                .setMalformedHeaderStartsBody(false)
                .setMaxHeaderCount(MAX_FIELDS)
                .setMaxHeaderLen(limits.maxHeaderBytes())
                .setMaxLineLen(limits.maxHeaderBytes())
                .setMaxContentLen(-1)
                .build();
    }

    public MimeLimits limits() {
        return limits;
    }

    /**
     * Parses a message (or a bare MIME entity: a header with Content-Type and a body, e.g. decrypted PGP/MIME
     * content). The array is copied, so the tree stays immutable whatever the caller does with it.
     */
    public MimePart parse(byte[] message) throws MimeFormatException {
        checkSize(message.length);
        return parseOwned(message.clone());
    }

    /**
     * {@link #parse(byte[])} without the copy, for an array nobody else holds (a mail just fetched, a plaintext just
     * decrypted): a large mail then exists once in memory. The caller must never change the array afterwards.
     */
    public MimePart parseTaking(byte[] message) throws MimeFormatException {
        checkSize(message.length);
        return parseOwned(message);
    }

    /** Reads the stream to its end (at most {@link MimeLimits#maxTotalSize()} bytes) and parses it; does not close it. */
    public MimePart parse(InputStream message) throws IOException, MimeFormatException {
        byte[] data = message.readNBytes((int) limits.maxTotalSize() + 1);
        checkSize(data.length);
        return parseOwned(data);
    }

    private void checkSize(long size) throws MimeFormatException {
        if (size > limits.maxTotalSize()) {
            throw new MimeFormatException("the message is larger than " + limits.maxTotalSize() + " bytes");
        }
        if (size == 0) {
            throw new MimeFormatException("the message is empty");
        }
    }

    private MimePart parseOwned(byte[] data) throws MimeFormatException {
        return new Run(data).entity(data, 0, data.length, 0, List.of(), null);
    }

    /** The state of one parse: the part count. */
    private final class Run {

        private final byte[] data;
        private int parts;

        Run(byte[] data) {
            this.data = data;
        }

        MimePart entity(byte[] buf, int start, int end, int depth, List<String> enclosing, String parentType)
                throws MimeFormatException {
            if (++parts > limits.maxParts()) {
                throw new MimeFormatException("the message has more than " + limits.maxParts() + " MIME parts");
            }
            Head head = readHead(buf, start, end);
            String mimeType = head.descriptor.getMimeType().toLowerCase(Locale.ROOT);
            Parameters.Parsed declared = head.contentType == null ? null : Parameters.parse(head.contentType);
            if (declared != null && declared.value().startsWith("multipart/") && !mimeType.startsWith("multipart/")) {
                throw new MimeFormatException("a " + safe(declared.value()) + " entity has no boundary parameter");
            }
            if (head.contentType == null && "multipart/digest".equals(parentType)) {
                mimeType = "message/rfc822"; // RFC 2046 5.1.5: the default in a digest
            }
            ContentType contentType = new ContentType(mimeType,
                    declared == null ? java.util.Map.of() : declared.parameters());
            ContentDisposition disposition = null;
            if (head.disposition != null) {
                Parameters.Parsed parsed = Parameters.parse(head.disposition);
                disposition = new ContentDisposition(parsed.value(), parsed.parameters());
            }
            String encoding = head.descriptor.getTransferEncoding() == null ? "7bit"
                    : head.descriptor.getTransferEncoding().toLowerCase(Locale.ROOT);
            if (!contentType.isMultipart()) {
                return new MimePart(buf, start, head.bodyStart, end, depth, head.fields, contentType, encoding,
                        disposition, List.of(), true);
            }
            if (depth + 1 > limits.maxDepth()) {
                throw new MimeFormatException("multiparts nest deeper than " + limits.maxDepth() + " levels");
            }
            String boundary = head.descriptor.getBoundary();
            checkBoundary(boundary, enclosing);
            List<String> inner = new ArrayList<>(enclosing);
            inner.add(boundary);
            List<MimePart> children = new ArrayList<>();
            boolean closed = split(buf, start, end, head.bodyStart, boundary, depth, inner, mimeType, children);
            return new MimePart(buf, start, head.bodyStart, end, depth, head.fields, contentType, encoding, disposition,
                    children, closed);
        }

        /** Pass 1: the header, and where the body starts (entity end minus the body length the tokenizer saw). */
        private Head readHead(byte[] buf, int start, int end) throws MimeFormatException {
            MimeTokenStream tokens = new MimeTokenStream(config, DecodeMonitor.SILENT, null);
            tokens.setRecursionMode(RecursionMode.M_FLAT);
            tokens.parse(new ByteArrayInputStream(buf, start, end - start));
            Head head = new Head();
            long headerBytes = 0;
            try {
                for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM;
                        state = tokens.next()) {
                    if (state == EntityState.T_FIELD) {
                        Field field = tokens.getField();
                        byte[] raw = field.getRaw().toByteArray();
                        headerBytes += raw.length + 2;
                        if (headerBytes > limits.maxHeaderBytes()) {
                            throw headerTooLarge();
                        }
                        head.add(field.getName(), raw);
                    } else if (state == EntityState.T_BODY) {
                        head.descriptor = tokens.getBodyDescriptor();
                        long bodyLength = count(tokens.getInputStream());
                        head.bodyStart = (int) (end - bodyLength);
                    }
                }
            } catch (MaxHeaderLengthLimitException | MaxLineLimitException e) {
                throw headerTooLarge();
            } catch (MaxHeaderLimitException e) {
                throw new MimeFormatException(
                        "an entity has more than " + MAX_FIELDS + " header fields (or lines that are not fields)");
            } catch (MimeException | IOException e) {
                if (e.getCause() instanceof MaxLineLimitException) {
                    throw headerTooLarge(); // mime4j wraps the line limit of a header line
                }
                throw new MimeFormatException("the MIME structure cannot be read", e);
            }
            if (head.descriptor == null || head.bodyStart < start) {
                throw new MimeFormatException("the MIME structure cannot be read");
            }
            if (head.bodyStart - start > limits.maxHeaderBytes()) {
                throw headerTooLarge();
            }
            return head;
        }

        private MimeFormatException headerTooLarge() {
            return new MimeFormatException("an entity's header is larger than " + limits.maxHeaderBytes() + " bytes");
        }

        /**
         * Pass 2 for a multipart: mime4j in raw mode gives each body part's bytes; they must be the bytes after the
         * next delimiter line of the buffer, and that range is parsed in turn. Returns whether the close delimiter was
         * seen.
         */
        private boolean split(byte[] buf, int start, int end, int bodyStart, String boundary, int depth,
                List<String> boundaries, String mimeType, List<MimePart> children) throws MimeFormatException {
            MimeTokenStream tokens = new MimeTokenStream(config, DecodeMonitor.SILENT, null);
            tokens.setRecursionMode(RecursionMode.M_RAW);
            tokens.parse(new ByteArrayInputStream(buf, start, end - start));
            byte[] delimiter = ("--" + boundary).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            int searchFrom = bodyStart;
            int lastEnd = -1;
            try {
                for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM;
                        state = tokens.next()) {
                    if (state != EntityState.T_RAW_ENTITY) {
                        continue;
                    }
                    if (parts + 1 > limits.maxParts()) {
                        throw new MimeFormatException("the message has more than " + limits.maxParts() + " MIME parts");
                    }
                    int at = afterDelimiterLine(buf, bodyStart, searchFrom, end, delimiter);
                    int length = sameBytes(tokens.getInputStream(), buf, at, end);
                    if (length < 0) {
                        // mime4j takes "--boundary" for a delimiter also mid-line when its buffer happens to start
                        // there; RFC 2046 and other readers do not. Such a split would show content other clients
                        // do not see, so the message is refused instead.
                        throw new MimeFormatException("a multipart body has a boundary that is not at the start of "
                                + "a line");
                    }
                    MimePart child = entity(buf, at, at + length, depth + 1, boundaries, mimeType);
                    searchFrom = at + length;
                    lastEnd = searchFrom;
                    children.add(child);
                }
            } catch (MimeException | IOException e) {
                throw new MimeFormatException("the MIME structure cannot be read", e);
            }
            if (children.isEmpty()) {
                throw new MimeFormatException("a " + safe(mimeType) + " body does not contain its boundary");
            }
            return closeDelimiterAt(buf, lastEnd, end, delimiter);
        }

        private static long count(InputStream in) throws IOException {
            byte[] scratch = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(scratch)) != -1;) {
                total += n;
            }
            return total;
        }
    }

    /**
     * Where the next body part starts: after the first delimiter line (a line starting with "--boundary", at the start
     * of the body or after a LF) at or after {@code from}; -1 if there is none.
     */
    static int afterDelimiterLine(byte[] buf, int bodyStart, int from, int end, byte[] delimiter) {
        int i = from;
        while ((i = indexOf(buf, delimiter, i, end)) >= 0) {
            if (i == bodyStart || buf[i - 1] == '\n') {
                int lineEnd = indexOf(buf, new byte[] {'\n'}, i + delimiter.length, end);
                return lineEnd < 0 ? end : lineEnd + 1;
            }
            i += 1;
        }
        return -1;
    }

    /**
     * Reads the tokenizer's part to its end, comparing it with {@code buf} from {@code at}: its length if it is exactly
     * those bytes, else -1. No copy of the part is made, so nesting costs no memory.
     */
    private static int sameBytes(InputStream part, byte[] buf, int at, int end) throws IOException {
        byte[] chunk = new byte[8192];
        int length = 0;
        boolean same = at >= 0;
        for (int n; (n = part.read(chunk)) != -1;) {
            if (same && (at + length + n > end || !Arrays.equals(buf, at + length, at + length + n, chunk, 0, n))) {
                same = false;
            }
            length += n;
        }
        return same ? length : -1;
    }

    private static boolean closeDelimiterAt(byte[] buf, int at, int end, byte[] delimiter) {
        int i = at;
        if (i < end && buf[i] == '\r') {
            i++;
        }
        if (i < end && buf[i] == '\n') {
            i++;
        }
        int need = delimiter.length + 2;
        return i + need <= end && Arrays.equals(buf, i, i + delimiter.length, delimiter, 0, delimiter.length)
                && buf[i + delimiter.length] == '-' && buf[i + delimiter.length + 1] == '-';
    }

    static int indexOf(byte[] buf, byte[] needle, int from, int end) {
        outer:
        for (int i = from; i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void checkBoundary(String boundary, List<String> enclosing) throws MimeFormatException {
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY) {
            throw new MimeFormatException("a multipart boundary is empty or longer than " + MAX_BOUNDARY + " characters");
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new MimeFormatException("a multipart boundary contains a character outside printable ASCII");
            }
        }
        for (String outer : enclosing) {
            if (outer.startsWith(boundary) || boundary.startsWith(outer)) {
                throw new MimeFormatException("a nested multipart's boundary collides with an enclosing boundary");
            }
        }
    }

    /** A MIME type from a message, shortened and reduced to token characters, for an error message. */
    static String safe(String mimeType) {
        String cleaned = mimeType.replaceAll("[^A-Za-z0-9/.+_-]", "");
        return cleaned.length() > 60 ? cleaned.substring(0, 60) : cleaned;
    }

    /** What pass 1 found. */
    private static final class Head {
        final List<HeaderField> fields = new ArrayList<>();
        String contentType;
        String contentTransferEncoding;
        String disposition;
        BodyDescriptor descriptor;
        int bodyStart = -1;

        void add(String name, byte[] raw) throws MimeFormatException {
            int colon = 0;
            while (colon < raw.length && raw[colon] != ':') {
                colon++;
            }
            String value = colon >= raw.length ? "" : unfold(Charsets.decodeHeader(raw, colon + 1, raw.length - colon - 1));
            String fieldName = name.strip();
            fields.add(new HeaderField(fieldName, value));
            switch (fieldName.toLowerCase(Locale.ROOT)) {
                case "content-type" -> contentType = once(contentType, value, "Content-Type");
                case "content-transfer-encoding" -> contentTransferEncoding = once(contentTransferEncoding, value,
                        "Content-Transfer-Encoding");
                case "content-disposition" -> disposition = disposition == null ? value : disposition;
                default -> {
                }
            }
        }

        private static String once(String existing, String value, String name) throws MimeFormatException {
            if (existing != null) {
                // readers that take the first and readers that take the last would see different content
                throw new MimeFormatException("an entity has more than one " + name + " field");
            }
            return value;
        }
    }

    /** RFC 5322 unfolding: line breaks before whitespace removed; leading and trailing whitespace trimmed. */
    static String unfold(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\r' && c != '\n') {
                out.append(c);
            }
        }
        return out.toString().strip();
    }
}
