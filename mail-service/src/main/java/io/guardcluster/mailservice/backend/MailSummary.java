package io.guardcluster.mailservice.backend;

import java.time.Instant;
import java.util.List;

/**
 * A mail as the backend lists it ({@code GET /mail?action=all}): no content, only what a list shows.
 *
 * @param id           the mail's id in its folder
 * @param folder       the folder id ({@code default0/INBOX})
 * @param sentDate     the Date header's time, or null
 * @param receivedDate when the backend's mail server received it
 * @param size         bytes of the message source
 * @param attachment   whether the backend thinks it has attachments
 * @param flags        the API's system flags (32 = seen)
 */
public record MailSummary(String id, String folder, List<Address> from, List<Address> to, List<Address> cc,
        String subject, Instant sentDate, Instant receivedDate, long size, boolean attachment, int flags) {

    /** A mailbox of an address header: display name (or null) and address. */
    public record Address(String personal, String address) {
    }
}
