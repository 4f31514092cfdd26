package io.guardcluster.mailservice.backend;

/** Where the backend keeps a mail: folder id ({@code default0/Sent Items}) and the mail's id in it. */
public record MailRef(String folder, String id) {
}
