package io.guardcluster.mailservice.read;

import java.util.List;

import io.guardcluster.mailservice.pgp.SignatureReport;

/**
 * A mail as a reader sees it, decrypted and checked: what {@code GET /api/mail/message} answers. Holds decrypted
 * content: built per request, never stored or logged.
 *
 * @param folder      the folder it was read from
 * @param id          its id in that folder
 * @param headers     the envelope (from the encrypted part's protected headers where it has them)
 * @param security    what was encrypted and signed, and the verdict on each signature
 * @param text        the plain-text body (decrypted), or null
 * @param html        the HTML body (decrypted, then cleaned by {@link SafeHtml}: no script, style, form or remote
 *                    content; links open without a referrer), or null
 * @param attachments the attachments, downloadable one by one by their {@code part}
 * @param autocrypt   what the sender's Autocrypt header offered, or null
 */
public record MailView(String folder, String id, Headers headers, Security security, String text, String html,
        List<Attachment> attachments, Autocrypt autocrypt) {

    @Override
    public String toString() {
        return "MailView[" + folder + "/" + id + ", redacted]";
    }

    public record Address(String name, String address) {
    }

    public record Headers(List<Address> from, List<Address> to, List<Address> cc, List<Address> replyTo,
            String subject, String date, String messageId) {
    }

    /**
     * @param encrypted  whether the content was encrypted
     * @param format     {@code pgp-mime} (RFC 3156), {@code inline}, or {@code none}
     * @param signatures one verdict per signature found (inside the encryption, PGP/MIME, cleartext, detached
     *                   attachment signatures)
     * @param partial    true when only some of the content is encrypted or signed (e.g. a signed part with an
     *                   unsigned footer, inline blocks in a longer text): a client must not show the whole mail as
     *                   protected
     * @param htmlCleaned true when cleaning the HTML body removed something (scripts, remote images, styles,
     *                   forms...): a client may say that parts of the mail are not shown
     */
    public record Security(boolean encrypted, String format, List<SignatureReport> signatures, boolean partial,
            boolean htmlCleaned) {
    }

    /**
     * @param part        its address in the mail ("1.2"), for {@code GET /api/mail/message/attachment}
     * @param name        its file name (for an encrypted attachment, without the .pgp/.gpg/.asc)
     * @param contentType its MIME type
     * @param size        its size as stored in the mail (decoded; for an encrypted attachment, the ciphertext's)
     * @param encrypted   whether it is an OpenPGP-encrypted attachment that is decrypted on download
     */
    public record Attachment(String part, String name, String contentType, long size, boolean encrypted) {
    }

    /**
     * @param fingerprint the key the sender's Autocrypt header carries
     * @param imported    whether it was added to the reader's keyring by this read
     */
    public record Autocrypt(String fingerprint, boolean imported) {
    }
}
