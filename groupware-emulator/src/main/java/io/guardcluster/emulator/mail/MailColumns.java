package io.guardcluster.emulator.mail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TimeZone;
import java.util.function.Function;

/**
 * The columns of {@code GET /mail?action=all}, as "Detailed mail data" in
 * {@code documentation-generic/http_api/documents/appendix/2_column_identifiers.md} defines them: 102 color_label,
 * 600 id, 601 folder_id, 602 attachment, 603 from, 604 to, 605 cc, 606 bcc, 607 subject, 608 size, 609 sent_date,
 * 610 received_date, 611 flags, 612 level, 614 priority, 653 account_id, 656 content_type, 661 date. A column that
 * is not a number is a header name and shows that header's (first, unfolded) value. Columns the emulator does not
 * know show null.
 *
 * <p>Times are of the API's type "Time": milliseconds since the epoch "plus the offset between the user's timezone
 * and UTC at the time in question", or of the {@code timezone} parameter's zone
 * ({@code documentation-generic/http_api/documents/intro/1_introduction.md}, "Date and time").
 */
final class MailColumns {

    private MailColumns() {
    }

    /** One row: the values of {@code columns} for {@code mail}. */
    static List<Object> row(StoredMail mail, List<String> columns, TimeZone zone) {
        List<Object> row = new ArrayList<>(columns.size());
        for (String column : columns) {
            row.add(value(mail, column, zone));
        }
        return row;
    }

    static Object value(StoredMail mail, String column, TimeZone zone) {
        Envelope e = mail.envelope();
        return switch (column) {
            case "102" -> 0;
            case "600" -> mail.id();
            case "601" -> MailFolders.id(mail.fullname());
            case "602" -> e.hasAttachment();
            case "603" -> addresses(e.from());
            case "604" -> addresses(e.to());
            case "605" -> addresses(e.cc());
            case "606" -> addresses(e.bcc());
            case "607" -> e.subject();
            case "608" -> mail.size();
            case "609" -> time(e.sentDate(), zone);
            case "610", "661" -> time(mail.received(), zone);
            case "611" -> mail.flags().get();
            case "612" -> 0;
            case "614" -> e.priority();
            case "653" -> 0;
            case "656" -> e.contentType();
            default -> column.chars().allMatch(Character::isDigit) ? null : e.headers().first(column).orElse(null);
        };
    }

    /** How {@code sort} orders mails; null if the emulator cannot sort by that column. */
    static Comparator<StoredMail> comparator(String sort) {
        Function<StoredMail, Comparable<?>> key = switch (sort) {
            case "600" -> m -> Long.parseLong(m.id());
            case "602" -> m -> m.envelope().hasAttachment();
            case "603" -> m -> first(m.envelope().from());
            case "604" -> m -> first(m.envelope().to());
            case "607" -> m -> m.envelope().subject() == null ? "" : m.envelope().subject().toLowerCase(java.util.Locale.ROOT);
            case "608" -> StoredMail::size;
            case "609" -> m -> m.envelope().sentDate() == null ? Instant.EPOCH : m.envelope().sentDate();
            case "610", "661" -> StoredMail::received;
            case "611" -> m -> m.flags().get();
            default -> null;
        };
        if (key == null) {
            return null;
        }
        @SuppressWarnings({ "unchecked", "rawtypes" })
        Comparator<StoredMail> byKey = Comparator.comparing(m -> (Comparable) key.apply(m));
        return byKey.thenComparing(m -> Long.parseLong(m.id()));
    }

    private static List<List<String>> addresses(List<MailAddress> list) {
        return list.stream().map(MailAddress::asJson).toList();
    }

    private static String first(List<MailAddress> list) {
        return list.isEmpty() ? "" : list.get(0).address().toLowerCase(java.util.Locale.ROOT);
    }

    private static Long time(Instant instant, TimeZone zone) {
        if (instant == null) {
            return null;
        }
        long millis = instant.toEpochMilli();
        return millis + zone.getOffset(millis);
    }
}
