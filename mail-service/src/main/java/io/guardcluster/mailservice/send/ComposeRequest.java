package io.guardcluster.mailservice.send;

import java.util.List;

/**
 * A mail to send, as {@code POST /api/mail/send} takes it in JSON.
 *
 * @param to          recipients ("Name &lt;address&gt;" or bare addresses); with {@code cc} and {@code bcc} at
 *                    least one
 * @param cc          copy recipients
 * @param bcc         blind copy recipients (never written into the mail; their key ids are in the encrypted mail, as
 *                    with every OpenPGP client)
 * @param subject     the subject; with {@code format} pgp-mime and encryption it travels inside the encryption and
 *                    the outer subject is "..." (protected headers)
 * @param text        the plain-text body
 * @param html        the HTML body (PGP/MIME only)
 * @param attachments files to attach
 * @param format      {@code pgp-mime} (RFC 3156, the default) or {@code inline}
 * @param encrypt     encrypt to every recipient and the sender (default true)
 * @param sign        sign with the sender's current key (default true; needs the Guard password or an unlock
 *                    token)
 * @param inReplyTo   the Message-ID this answers, if any
 */
public record ComposeRequest(List<String> to, List<String> cc, List<String> bcc, String subject, String text,
        String html, List<AttachmentRequest> attachments, String format, Boolean encrypt, Boolean sign,
        String inReplyTo) {

    public ComposeRequest {
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        bcc = bcc == null ? List.of() : List.copyOf(bcc);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public boolean encrypting() {
        return encrypt == null || encrypt;
    }

    public boolean signing() {
        return sign == null || sign;
    }

    @Override
    public String toString() {
        return "ComposeRequest[" + (to.size() + cc.size() + bcc.size()) + " recipients, redacted]";
    }

    /** An attachment: its name, type and content (base64). */
    public record AttachmentRequest(String name, String contentType, String content) {
        @Override
        public String toString() {
            return "AttachmentRequest[redacted]";
        }
    }
}
