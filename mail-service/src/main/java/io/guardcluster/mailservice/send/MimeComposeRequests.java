package io.guardcluster.mailservice.send;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.mime.Envelope;
import io.guardcluster.mailservice.mime.MailAddress;
import io.guardcluster.mailservice.mime.MimeFormatException;
import io.guardcluster.mailservice.mime.MimeParser;
import io.guardcluster.mailservice.mime.MimePart;

/**
 * A mail composed elsewhere, sent as a MIME message ({@code POST /api/mail/send} with {@code message/rfc822}): its
 * envelope gives the recipients and subject, its first plain-text and HTML bodies and its attachments the content.
 * The message is rebuilt from these (canonical, 7-bit) rather than passed on as it came, because a signature over
 * a client's raw bytes would not survive transport unless they already were canonical; structure beyond text, HTML
 * and attachments (e.g. multipart/related inline images) is flattened into attachments.
 */
public final class MimeComposeRequests {

    private MimeComposeRequests() {
    }

    /**
     * The compose request the MIME message {@code raw} stands for, sent by {@code sender}.
     *
     * @throws GuardProblemException 400 if it is not MIME, or its From is not the sender
     */
    public static ComposeRequest of(byte[] raw, String sender, String format, Boolean encrypt, Boolean sign, long maxSize) {
        MimePart message;
        try {
            message = new MimeParser(new MimeParser().limits().withMaxTotalSize(maxSize)).parse(raw);
        } catch (MimeFormatException e) {
            throw GuardProblemException.badRequest("invalid-mime", "the body is not a MIME message: " + e.getMessage());
        }
        Envelope envelope = Envelope.of(message);
        if (envelope.from().stream().anyMatch(from -> !from.sameAddress(sender))) {
            throw GuardProblemException.badRequest("invalid-sender",
                    "the message's From must be your own address (" + sender + ") or absent");
        }
        String text = null;
        String html = null;
        List<ComposeRequest.AttachmentRequest> files = new ArrayList<>();
        for (MimePart part : message.stream().filter(p -> !p.isMultipart()).toList()) {
            String type = part.mimeType();
            if (!part.isAttachment() && type.equals("text/plain") && text == null) {
                text = part.text().text();
            } else if (!part.isAttachment() && type.equals("text/html") && html == null) {
                html = part.text().text();
            } else {
                String name = part.fileName().orElse("attachment-" + (files.size() + 1));
                files.add(new ComposeRequest.AttachmentRequest(name, type.toLowerCase(Locale.ROOT),
                        Base64.getEncoder().encodeToString(part.body())));
            }
        }
        return new ComposeRequest(addresses(envelope.to()), addresses(envelope.cc()), addresses(envelope.bcc()),
                envelope.subject().orElse(""), text, html, files, format, encrypt, sign,
                envelope.inReplyTo().stream().findFirst().orElse(null));
    }

    private static List<String> addresses(List<MailAddress> addresses) {
        return addresses.stream().map(a -> a.name() == null || a.name().isBlank() ? a.address()
                : "\"" + a.name().replace("\"", "").replace("\\", "") + "\" <" + a.address() + ">").toList();
    }
}
