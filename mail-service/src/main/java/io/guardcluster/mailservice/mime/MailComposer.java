package io.guardcluster.mailservice.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns an entity into a message: envelope fields ({@link MessageHeaders}), MIME-Version, and the entity (from
 * {@link MimeEntityBuilder} or {@link PgpMimeWriter}) as the body. Thread-safe.
 * <pre>{@code
 * MailComposer composer = new MailComposer("guard.example.com");
 * MessageHeaders headers = composer.headers().from(alice).to(bob).subject("Grüße").build();
 * byte[] mail = MailComposer.compose(headers, MimeEntityBuilder.create().text("Hallo").build());
 * }</pre>
 * Every line ends with CRLF, every header line is 7-bit and at most 78 characters (non-ASCII as RFC 2047 words), Bcc is
 * not written.
 */
public final class MailComposer {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private final String messageIdDomain;
    private final Clock clock;

    /** @param messageIdDomain the right-hand side of generated Message-IDs (the service's mail domain) */
    public MailComposer(String messageIdDomain) {
        this(messageIdDomain, Clock.systemDefaultZone());
    }

    public MailComposer(String messageIdDomain, Clock clock) {
        if (!DOMAIN.matcher(messageIdDomain).matches()) {
            throw new IllegalArgumentException("the message id domain must be a host name");
        }
        this.messageIdDomain = messageIdDomain.toLowerCase(Locale.ROOT);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A builder for the envelope with Date (now, whole seconds) and a new Message-ID set. */
    public MessageHeaders.Builder headers() {
        return MessageHeaders.builder(OffsetDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS), newMessageId());
    }

    /** A new Message-ID (without brackets): 128 random bits in hex, at the configured domain. */
    public String newMessageId() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random) + "@" + messageIdDomain;
    }

    /** The message: the envelope fields, MIME-Version, then the entity's header and body. */
    public static byte[] compose(MessageHeaders headers, byte[] entity) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(entity.length + 1024);
        compose(headers, entity, out);
        return out.toByteArray();
    }

    /** {@link #compose(MessageHeaders, byte[])} to a stream (not closed). */
    public static void compose(MessageHeaders headers, byte[] entity, OutputStream out) {
        checkEntity(entity);
        List<String> lines = new ArrayList<>();
        lines.add("Date: " + HeaderEncoder.date(headers.date()) + "\r\n");
        lines.add(HeaderEncoder.addresses("From", List.of(headers.from())));
        if (!headers.replyTo().isEmpty()) {
            lines.add(HeaderEncoder.addresses("Reply-To", headers.replyTo()));
        }
        if (!headers.to().isEmpty()) {
            lines.add(HeaderEncoder.addresses("To", headers.to()));
        }
        if (!headers.cc().isEmpty()) {
            lines.add(HeaderEncoder.addresses("Cc", headers.cc()));
        }
        if (!headers.subject().isEmpty()) {
            lines.add(HeaderEncoder.unstructured("Subject", headers.subject()));
        }
        lines.add("Message-ID: <" + headers.messageId() + ">\r\n");
        if (!headers.inReplyTo().isEmpty()) {
            lines.add(HeaderEncoder.fold("In-Reply-To", headers.inReplyTo().stream().map(id -> "<" + id + ">").toList()));
        }
        if (!headers.references().isEmpty()) {
            lines.add(HeaderEncoder.fold("References", headers.references().stream().map(id -> "<" + id + ">").toList()));
        }
        for (HeaderField field : headers.extra()) {
            lines.add(HeaderEncoder.unstructured(field.name(), field.value()));
        }
        lines.add("MIME-Version: 1.0\r\n");
        try {
            for (String line : lines) {
                out.write(line.getBytes(StandardCharsets.US_ASCII));
            }
            out.write(entity);
            if (entity.length < 2 || entity[entity.length - 2] != '\r' || entity[entity.length - 1] != '\n') {
                out.write(new byte[] {'\r', '\n'}); // a message ends with a line break (RFC 5322 2.3, SMTP)
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The entity must be CRLF text that starts with its header and has no envelope field there (an entity with
     * protected headers belongs inside a signed or encrypted wrapper, not directly in a message).
     */
    private static void checkEntity(byte[] entity) {
        if (!LineEndings.isCanonicalCrlf(entity)) {
            throw new IllegalArgumentException("an entity must have CRLF line endings");
        }
        int lineStart = 0;
        boolean sawContentType = false;
        for (int i = 0; i + 1 < entity.length; i++) {
            if (entity[i] == '\r' && entity[i + 1] == '\n') {
                if (i == lineStart) {
                    break;
                }
                if (entity[lineStart] != ' ' && entity[lineStart] != '\t') {
                    String line = new String(entity, lineStart, i - lineStart, StandardCharsets.ISO_8859_1);
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("an entity must start with its header");
                    }
                    String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    if (MessageHeaders.RESERVED.contains(name)) {
                        throw new IllegalArgumentException("the entity has a " + name + " field: an entity with "
                                + "protected headers belongs inside a PGP/MIME wrapper");
                    }
                    sawContentType |= name.equals("content-type");
                }
                lineStart = i + 2;
                i++;
            }
        }
        if (!sawContentType) {
            throw new IllegalArgumentException("an entity must have a Content-Type field");
        }
    }
}
