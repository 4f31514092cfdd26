package io.guardcluster.mailservice.mime;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The envelope header fields of a received message, decoded. Read with {@link #of(MimePart)}; fields that are absent
 * or cannot be read are empty, never an exception (a mail client shows a message with a broken Date too).
 *
 * @param from       From (RFC 5322 allows several)
 * @param sender     Sender
 * @param to         To
 * @param cc         Cc
 * @param bcc        Bcc (only in copies the sender kept)
 * @param replyTo    Reply-To
 * @param subject    Subject with RFC 2047 words decoded
 * @param date       Date
 * @param messageId  Message-ID without angle brackets
 * @param inReplyTo  In-Reply-To ids without angle brackets
 * @param references References ids without angle brackets, in order
 */
public record Envelope(List<MailAddress> from, Optional<MailAddress> sender, List<MailAddress> to,
        List<MailAddress> cc, List<MailAddress> bcc, List<MailAddress> replyTo, Optional<String> subject,
        Optional<OffsetDateTime> date, Optional<String> messageId, List<String> inReplyTo, List<String> references) {

    private static final Pattern ID = Pattern.compile("<([^<>\\s]+)>");
    private static final Pattern DATE = Pattern.compile(
            "(?:[A-Za-z]+\\s*,?\\s*)?(\\d{1,2})\\s+([A-Za-z]{3,9})\\.?\\s+(\\d{2,4})\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?"
                    + "(?:\\s*([+-]\\d{4}|[A-Za-z]{1,5}))?.*");
    private static final Map<String, Integer> ZONES = Map.of("EDT", -4, "EST", -5, "CDT", -5, "CST", -6, "MDT", -6,
            "MST", -7, "PDT", -7, "PST", -8);
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");

    public Envelope {
        from = List.copyOf(from);
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        replyTo = List.copyOf(replyTo);
        inReplyTo = List.copyOf(inReplyTo);
        references = List.copyOf(references);
    }

    /** Reads the envelope fields of a message (its root part). */
    public static Envelope of(MimePart message) {
        return new Envelope(addresses(message, "From"), addresses(message, "Sender").stream().findFirst(),
                addresses(message, "To"), addresses(message, "Cc"), addresses(message, "Bcc"),
                addresses(message, "Reply-To"), message.decodedHeader("Subject"),
                message.header("Date").flatMap(Envelope::parseDate),
                message.header("Message-ID").flatMap(v -> ids(v).stream().findFirst()),
                message.header("In-Reply-To").map(Envelope::ids).orElse(List.of()),
                message.header("References").map(Envelope::ids).orElse(List.of()));
    }

    /** All mailboxes of all fields called {@code name}. */
    public static List<MailAddress> addresses(MimePart part, String name) {
        List<MailAddress> all = new ArrayList<>();
        for (String value : part.headerValues(name)) {
            all.addAll(parseAddresses(value));
        }
        return List.copyOf(all);
    }

    /** A tolerant address-list parse of one header value (groups flattened, RFC 2047 display names decoded). */
    public static List<MailAddress> parseAddresses(String headerValue) {
        return AddressParser.parse(headerValue);
    }

    /** To, Cc and Bcc together: everyone the message was addressed to. */
    public List<MailAddress> recipients() {
        List<MailAddress> all = new ArrayList<>(to);
        all.addAll(cc);
        all.addAll(bcc);
        return List.copyOf(all);
    }

    /**
     * A tolerant RFC 5322 date: optional day name, 2- and 4-digit years, optional seconds, numeric or named zones
     * (unknown names as UTC), comments ignored.
     */
    public static Optional<OffsetDateTime> parseDate(String value) {
        String text = value.replaceAll("\\([^)]*\\)", " ").strip();
        Matcher m = DATE.matcher(text);
        if (!m.matches()) {
            try {
                return Optional.of(OffsetDateTime.parse(text));
            } catch (DateTimeException e) {
                return Optional.empty();
            }
        }
        int month = MONTHS.indexOf(m.group(2).substring(0, 3).toLowerCase(Locale.ROOT)) + 1;
        if (month == 0) {
            return Optional.empty();
        }
        int year = Integer.parseInt(m.group(3));
        if (m.group(3).length() == 2) {
            year += year < 50 ? 2000 : 1900; // RFC 5322 4.3
        } else if (m.group(3).length() == 3) {
            year += 1900;
        }
        try {
            LocalDateTime local = LocalDateTime.of(year, month, Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
            return Optional.of(OffsetDateTime.of(local, zone(m.group(7))));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static ZoneOffset zone(String zone) {
        if (zone == null) {
            return ZoneOffset.UTC;
        }
        if (zone.startsWith("+") || zone.startsWith("-")) {
            int hours = Integer.parseInt(zone.substring(1, 3));
            int minutes = Integer.parseInt(zone.substring(3, 5));
            if (hours > 18 || minutes > 59) {
                return ZoneOffset.UTC;
            }
            int sign = zone.startsWith("-") ? -1 : 1;
            return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        }
        Integer hours = ZONES.get(zone.toUpperCase(Locale.ROOT));
        return hours == null ? ZoneOffset.UTC : ZoneOffset.ofHours(hours);
    }

    /** The message ids ("<id>") in a header value, without brackets; a bare id if there are no brackets. */
    static List<String> ids(String value) {
        List<String> ids = new ArrayList<>();
        Matcher m = ID.matcher(value);
        while (m.find()) {
            ids.add(m.group(1));
        }
        if (ids.isEmpty() && !value.isBlank() && !value.strip().contains(" ")) {
            ids.add(value.strip());
        }
        return List.copyOf(ids);
    }

    @Override
    public String toString() {
        return "Envelope[" + from.size() + " from, " + recipients().size() + " recipients]";
    }
}
