package io.guardcluster.emulator.mail;

import java.util.List;
import java.util.Optional;

/**
 * Mail folder identifiers of the HTTP API: {@code default<account id>/<full name>}, the primary account being 0
 * (appsuite-middleware {@code MailFolderUtility.prepareFullname}: "default0/INBOX"). Every user has the standard
 * folders; the sent folder is "Sent Items" (the name {@code NewAction}'s documentation uses: "the mail is stored in
 * the folder \"Sent Items\"").
 */
final class MailFolders {

    static final String INBOX = "INBOX";
    static final String SENT = "Sent Items";
    static final List<String> STANDARD = List.of(INBOX, "Drafts", SENT, "Spam", "Trash");
    private static final String PRIMARY_ACCOUNT = "default0/";

    private MailFolders() {
    }

    /** The API's folder id of a folder of the primary account. */
    static String id(String fullname) {
        return PRIMARY_ACCOUNT + fullname;
    }

    /** The full name behind an API folder id, if it names one of the folders every user has. */
    static Optional<String> fullname(String folderId) {
        if (folderId == null || !folderId.startsWith(PRIMARY_ACCOUNT)) {
            return Optional.empty();
        }
        String fullname = folderId.substring(PRIMARY_ACCOUNT.length());
        return STANDARD.stream().filter(f -> f.equalsIgnoreCase(fullname)).findFirst();
    }

    /** A full name as given in a test path ({@code INBOX}, {@code Sent Items}), if it is a standard folder. */
    static Optional<String> standard(String fullname) {
        return STANDARD.stream().filter(f -> f.equalsIgnoreCase(fullname)).findFirst();
    }
}
