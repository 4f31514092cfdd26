package io.guardcluster.mailservice.mime;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The envelope header fields of a message to send. Get a builder with a fresh Date and Message-ID from
 * {@link MailComposer#headers()}. Immutable.
 *
 * @param from       the author
 * @param to         To
 * @param cc         Cc
 * @param bcc        Bcc: recipients for the mail transport ({@link #recipients()}), never written into the message
 * @param replyTo    Reply-To (may be empty)
 * @param subject    the subject ("" for none)
 * @param date       Date
 * @param messageId  Message-ID without angle brackets ("random@domain")
 * @param inReplyTo  In-Reply-To ids without brackets (may be empty)
 * @param references References ids without brackets (may be empty)
 * @param extra      further fields, written after these (e.g. {@link AutocryptHeader#toHeader()}); not the fields
 *                   above, not Content-* or MIME-Version (those belong to the entity)
 */
public record MessageHeaders(MailAddress from, List<MailAddress> to, List<MailAddress> cc, List<MailAddress> bcc,
        List<MailAddress> replyTo, String subject, OffsetDateTime date, String messageId, List<String> inReplyTo,
        List<String> references, List<HeaderField> extra) {

    /** Fields that only this record or the entity may write. */
    static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id",
            "in-reply-to", "references", "mime-version", "sender");

    public MessageHeaders {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(messageId, "messageId");
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        replyTo = List.copyOf(replyTo);
        inReplyTo = List.copyOf(inReplyTo);
        references = List.copyOf(references);
        extra = List.copyOf(extra);
        checkId(messageId);
        inReplyTo.forEach(MessageHeaders::checkId);
        references.forEach(MessageHeaders::checkId);
        for (HeaderField field : extra) {
            String name = field.name().toLowerCase(Locale.ROOT);
            if (RESERVED.contains(name) || name.startsWith("content-")) {
                throw new IllegalArgumentException("extra header " + field.name() + " is written by the composer");
            }
            HeaderEncoder.checkName(field.name());
        }
    }

    private static void checkId(String id) {
        if (id.isEmpty() || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '<' && c != '>')) {
            throw new IllegalArgumentException("a message id must be printable ASCII without spaces or brackets");
        }
    }

    /** Everyone the transport must deliver to: To, Cc and Bcc. */
    public List<MailAddress> recipients() {
        List<MailAddress> all = new ArrayList<>(to);
        all.addAll(cc);
        all.addAll(bcc);
        return List.copyOf(all);
    }

    /**
     * The same with another subject: for the outside of an encrypted message that carries the real one as a protected
     * header ({@link MimeEntityBuilder#protectedHeaders}), the "..." that draft-autocrypt-lamps-protected-headers
     * suggests.
     */
    public MessageHeaders withSubject(String newSubject) {
        return new MessageHeaders(from, to, cc, bcc, replyTo, newSubject, date, messageId, inReplyTo, references,
                extra);
    }

    /** A builder; prefer {@link MailComposer#headers()}, which sets Date and Message-ID. */
    public static Builder builder(OffsetDateTime date, String messageId) {
        return new Builder(date, messageId);
    }

    @Override
    public String toString() {
        return "MessageHeaders[" + recipients().size() + " recipients, " + messageId.length() + "-char id]";
    }

    /** Collects the fields; not thread-safe. */
    public static final class Builder {

        private MailAddress from;
        private final List<MailAddress> to = new ArrayList<>();
        private final List<MailAddress> cc = new ArrayList<>();
        private final List<MailAddress> bcc = new ArrayList<>();
        private final List<MailAddress> replyTo = new ArrayList<>();
        private String subject = "";
        private OffsetDateTime date;
        private String messageId;
        private final List<String> inReplyTo = new ArrayList<>();
        private final List<String> references = new ArrayList<>();
        private final List<HeaderField> extra = new ArrayList<>();

        private Builder(OffsetDateTime date, String messageId) {
            this.date = date;
            this.messageId = messageId;
        }

        public Builder from(MailAddress address) {
            this.from = address;
            return this;
        }

        public Builder to(MailAddress... addresses) {
            to.addAll(List.of(addresses));
            return this;
        }

        public Builder cc(MailAddress... addresses) {
            cc.addAll(List.of(addresses));
            return this;
        }

        public Builder bcc(MailAddress... addresses) {
            bcc.addAll(List.of(addresses));
            return this;
        }

        public Builder replyTo(MailAddress... addresses) {
            replyTo.addAll(List.of(addresses));
            return this;
        }

        public Builder subject(String text) {
            this.subject = text;
            return this;
        }

        public Builder date(OffsetDateTime value) {
            this.date = value;
            return this;
        }

        public Builder messageId(String id) {
            this.messageId = id;
            return this;
        }

        /** Sets In-Reply-To to the id and References to {@code references} followed by it (RFC 5322 3.6.4). */
        public Builder inReplyTo(String id, List<String> parentReferences) {
            inReplyTo.clear();
            inReplyTo.add(id);
            references.clear();
            references.addAll(parentReferences);
            references.add(id);
            return this;
        }

        public Builder header(HeaderField field) {
            extra.add(field);
            return this;
        }

        public Builder header(String name, String value) {
            return header(new HeaderField(name, value));
        }

        public MessageHeaders build() {
            return new MessageHeaders(from, to, cc, bcc, replyTo, subject, date, messageId, inReplyTo, references,
                    extra);
        }
    }
}
