package io.guardcluster.emulator.mail;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the mail API lists of a message, read once from its header when it is stored: addresses, subject, the date
 * the sender wrote, content type, priority. Parsing is lenient, as a mail server's: what cannot be read is absent.
 */
record Envelope(
        List<MailAddress> from,
        List<MailAddress> to,
        List<MailAddress> cc,
        List<MailAddress> bcc,
        String subject,
        Instant sentDate,
        String contentType,
        int priority,
        String messageId,
        MessageHeaders headers) {

    static Envelope of(MessageHeaders headers) {
        return new Envelope(
                addresses(headers, "From"),
                addresses(headers, "To"),
                addresses(headers, "Cc"),
                addresses(headers, "Bcc"),
                headers.first("Subject").map(EncodedWords::decode).orElse(null),
                headers.first("Date").flatMap(Envelope::date).orElse(null),
                headers.first("Content-Type").orElse("text/plain"),
                headers.first("X-Priority").flatMap(Envelope::priority).orElse(3),
                headers.first("Message-ID").orElse(null),
                headers);
    }

    /**
     * Whether the HTTP API's {@code attachment} column is true: a multipart message other than alternative or related
     * representations of one text (PGP/MIME's multipart/encrypted and multipart/signed included).
     */
    boolean hasAttachment() {
        String type = contentType.toLowerCase(Locale.ROOT).trim();
        return type.startsWith("multipart/") && !type.startsWith("multipart/alternative")
                && !type.startsWith("multipart/related");
    }

    private static List<MailAddress> addresses(MessageHeaders headers, String name) {
        return headers.all(name).stream().flatMap(v -> MailAddress.parseList(v).stream()).toList();
    }

    /** RFC 5322 date-time, with comments such as "(CET)" dropped. */
    private static Optional<Instant> date(String value) {
        String cleaned = value.replaceAll("\\([^)]*\\)", " ").replaceAll("\\s+", " ").trim();
        try {
            return Optional.of(ZonedDateTime.parse(cleaned, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** X-Priority "1 (Highest)" → 1; the API's priority column (1 very high .. 5 very low, 3 normal). */
    private static Optional<Integer> priority(String value) {
        String digits = value.trim();
        return !digits.isEmpty() && digits.charAt(0) >= '1' && digits.charAt(0) <= '5'
                ? Optional.of(digits.charAt(0) - '0') : Optional.empty();
    }
}
