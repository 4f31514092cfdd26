package io.guardcluster.emulator.mail;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.guardcluster.emulator.admin.EmulatorStats;
import io.guardcluster.emulator.ajax.OxErrorCode;
import io.guardcluster.emulator.ajax.OxException;
import io.guardcluster.emulator.config.EmulatorConfig;
import io.guardcluster.emulator.session.Tokens;
import io.guardcluster.emulator.user.DemoUser;
import io.guardcluster.emulator.user.UserDirectory;

/**
 * EMULATOR-ONLY: the mail system behind the emulated middleware, what its transport (SMTP to the MTA) and the
 * delivery into mailboxes (LMTP into the IMAP server) do, as far as a client of the HTTP API can see:
 * <ul>
 * <li>Sending as a user ({@code PUT /mail?action=new}, appsuite-middleware {@code NewAction.transportMessage}): the
 * From must be one of the user's addresses ({@code MSG-0056}); no From: the user's address is put in (as
 * {@code NewAction} does with the default send address). The recipients are To, Cc and Bcc; the transmitted copy
 * leaves out the Bcc field (JavaMail's transport writes the message without it), the sent copy keeps it.</li>
 * <li>Each recipient who is a user of the emulator gets the transmitted bytes in their INBOX, behind the
 * {@code Return-Path} and {@code Received} fields the delivering servers prepend; every other recipient's copy is
 * captured in the {@link Outbox}, once per sending.</li>
 * <li>Mail arriving by SMTP (the {@link io.guardcluster.emulator.smtp.SmtpSink}) is delivered the same way to the
 * users among its envelope recipients.</li>
 * </ul>
 * Nothing here logs message content.
 */
@ApplicationScoped
public class MailDelivery {

    private static final Logger LOG = Logger.getLogger(MailDelivery.class);
    private static final byte[] NO_TRACE = new byte[0];
    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.RFC_1123_DATE_TIME;

    /** Where a saved or sent copy went: the API's {@code {"folder_id", "id"}}. */
    public record Placed(String folderId, String id) {
    }

    private final MailStore store;
    private final Outbox outbox;
    private final UserDirectory users;
    private final EmulatorStats stats;
    private final long maxMessageBytes;

    MailDelivery(MailStore store, Outbox outbox, UserDirectory users, EmulatorStats stats, EmulatorConfig config) {
        this.store = store;
        this.outbox = outbox;
        this.users = users;
        this.stats = stats;
        this.maxMessageBytes = config.mail().maxMessageSize().asLongValue();
    }

    /** The largest message accepted, in bytes. */
    public long maxMessageBytes() {
        return maxMessageBytes;
    }

    /** {@code MSG-0088} if a message of {@code size} bytes is too large to take. */
    public void checkSize(long size) {
        if (size > maxMessageBytes) {
            throw new OxException(OxErrorCode.MSG_0088, humanSize(maxMessageBytes));
        }
    }

    /**
     * Sends {@code mime} as {@code sender}: delivers it, and keeps a copy in the sender's sent folder unless
     * {@code copyToSent} is false (then the answer is null, as {@code NewAction}'s with {@code copy2Sent=false}).
     */
    public Placed send(DemoUser sender, byte[] mime, boolean copyToSent) {
        checkSize(mime.length);
        byte[] message = mime;
        MessageHeaders headers = headers(message);
        Optional<MailAddress> from = headers.all("From").stream().flatMap(v -> MailAddress.parseList(v).stream()).findFirst();
        if (from.isEmpty() && !headers.has("From")) {
            message = prepend(("From: " + sender.email() + headers.lineEnding()).getBytes(StandardCharsets.UTF_8), message);
            headers = headers(message);
        } else if (from.isEmpty() || !from.get().address().equalsIgnoreCase(sender.email())) {
            // The user's only address (alias) is the primary one. OX names the refused address.
            throw new OxException(OxErrorCode.MSG_0056, from.map(MailAddress::address).orElse(headers.first("From").orElse("")));
        }
        Envelope envelope = Envelope.of(headers);
        Set<String> recipients = new LinkedHashSet<>();
        Stream.of(envelope.to(), envelope.cc(), envelope.bcc()).flatMap(List::stream)
                .forEach(a -> recipients.add(a.address().toLowerCase(Locale.ROOT)));
        if (recipients.isEmpty()) {
            throw new OxException(OxErrorCode.SMTP_3006);
        }
        byte[] transmitted = headers.has("Bcc") ? MessageHeaders.without(message, headers, "Bcc") : message;
        List<String> outside = deliver(sender.email(), recipients, transmitted);
        if (!outside.isEmpty()) {
            outbox.add(sender.email().toLowerCase(Locale.ROOT), outside, envelope.subject(), transmitted);
            stats.mailToOutbox();
        }
        stats.mailSent();
        LOG.infof("%s sent a message of %d bytes to %d recipient(s), %d outside", sender.login(), message.length,
                recipients.size(), outside.size());
        if (!copyToSent) {
            return null;
        }
        StoredMail sent = store.append(sender, MailFolders.SENT, NO_TRACE, message, StoredMail.FLAG_SEEN);
        return new Placed(MailFolders.id(sent.fullname()), sent.id());
    }

    /** Stores {@code mime} in {@code user}'s folder without sending it ({@code PUT /mail?action=new&folder=...}). */
    public Placed save(DemoUser user, String fullname, byte[] mime, int flags) {
        checkSize(mime.length);
        StoredMail mail = store.append(user, fullname, NO_TRACE, mime, flags);
        return new Placed(MailFolders.id(mail.fullname()), mail.id());
    }

    /**
     * Mail arriving from outside (the SMTP sink): delivered to the users among {@code recipients}, behind the trace
     * fields. The recipients who are no users of the emulator are returned.
     */
    public List<String> deliverInbound(String envelopeFrom, List<String> recipients, byte[] message) {
        checkSize(message.length);
        headers(message);
        return deliver(envelopeFrom, new LinkedHashSet<>(recipients), message);
    }

    /** A test puts {@code message} into {@code user}'s folder exactly as given, as an IMAP APPEND would. */
    public Placed drop(DemoUser user, String fullname, byte[] message) {
        checkSize(message.length);
        StoredMail mail = store.append(user, fullname, NO_TRACE, message, 0);
        if (MailFolders.INBOX.equals(mail.fullname())) {
            stats.mailDelivered();
        }
        return new Placed(MailFolders.id(mail.fullname()), mail.id());
    }

    private List<String> deliver(String envelopeFrom, Set<String> recipients, byte[] message) {
        List<String> outside = new ArrayList<>();
        String lineEnding = headers(message).lineEnding();
        for (String recipient : recipients) {
            Optional<DemoUser> user = users.byEmail(recipient);
            if (user.isEmpty()) {
                outside.add(recipient);
                continue;
            }
            store.append(user.get(), MailFolders.INBOX, trace(envelopeFrom, recipient, lineEnding), message, 0);
            stats.mailDelivered();
        }
        return outside;
    }

    /**
     * The fields the delivering servers prepend: {@code Return-Path} (the envelope sender, written by the final
     * delivery agent, RFC 5321 section 4.4) and the delivery agent's {@code Received} trace field.
     */
    private static byte[] trace(String envelopeFrom, String recipient, String eol) {
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(RFC_5322);
        String trace = "Return-Path: <" + envelopeFrom + ">" + eol
                + "Received: from groupware-emulator ([127.0.0.1])" + eol
                + "\tby groupware-emulator with LMTP id " + Tokens.hex32().substring(0, 16) + eol
                + "\tfor <" + recipient + ">; " + date + eol;
        return trace.getBytes(StandardCharsets.UTF_8);
    }

    private static MessageHeaders headers(byte[] message) {
        return MessageHeaders.parse(message).orElseThrow(() -> new OxException(OxErrorCode.MSG_0059));
    }

    private static byte[] prepend(byte[] head, byte[] message) {
        byte[] all = new byte[head.length + message.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(message, 0, all, head.length, message.length);
        return all;
    }

    /** A size as OX's {@code UploadUtility.getSize} writes it into MSG-0088 (e.g. "32.00 MB"). */
    static String humanSize(long bytes) {
        String[] units = { "B", "KB", "MB", "GB" };
        double size = bytes;
        int unit = 0;
        while (size >= 1024 && unit < units.length - 1) {
            size /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %s", size, units[unit]);
    }
}
