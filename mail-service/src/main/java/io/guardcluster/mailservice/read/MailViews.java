package io.guardcluster.mailservice.read;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.guardcluster.mailservice.mime.Envelope;
import io.guardcluster.mailservice.mime.MailAddress;
import io.guardcluster.mailservice.mime.MimePart;

/**
 * Turns an opened mail into what the reader gets: the envelope (protected headers first), the text and HTML bodies,
 * the attachments with their part addresses. Part addresses number the parts of the shown content as IMAP does
 * ("1", "2.1"), so a download finds the same part when it opens the mail again.
 */
final class MailViews {

    private MailViews() {
    }

    static MailView of(String folder, String id, MailReader.Opened opened, MailView.Autocrypt autocrypt) {
        Map<MimePart, String> paths = paths(opened.content());
        MimePart textPart = firstBody(opened, "text/plain");
        MimePart htmlPart = firstBody(opened, "text/html");
        List<MailView.Attachment> attachments = new ArrayList<>();
        for (Map.Entry<MimePart, String> entry : paths.entrySet()) {
            MimePart part = entry.getKey();
            if (part.isMultipart() || part == textPart || part == htmlPart || isStructural(part)) {
                continue;
            }
            boolean encrypted = opened.encryptedAttachments().contains(part);
            attachments.add(new MailView.Attachment(entry.getValue(), attachmentName(opened, part, entry.getValue()),
                    encrypted ? "application/octet-stream" : part.mimeType(), part.body().length, encrypted));
        }
        SafeHtml.Result html = SafeHtml.of(text(opened, htmlPart));
        return new MailView(folder, id, headers(opened), new MailView.Security(opened.encrypted(), opened.format(),
                opened.signatures(), opened.partial(), html != null && html.changed()), text(opened, textPart),
                html == null ? null : html.html(), attachments, autocrypt);
    }

    /** The part at {@code path} of the shown content. */
    static Optional<MimePart> find(MailReader.Opened opened, String path) {
        return paths(opened.content()).entrySet().stream().filter(e -> e.getValue().equals(path))
                .map(Map.Entry::getKey).filter(part -> !part.isMultipart()).findFirst();
    }

    /** The name to offer: the part's file name (without .pgp/.gpg/.asc when decrypted), else one made from its path. */
    static String attachmentName(MailReader.Opened opened, MimePart part, String path) {
        String name = part.fileName().orElse("part-" + path + extension(part.mimeType()));
        if (opened.encryptedAttachments().contains(part)) {
            String plain = name.replaceFirst("(?i)\\.(pgp|gpg|asc)$", "");
            return plain.isEmpty() || plain.equals(name) ? name + ".decrypted" : plain;
        }
        return name;
    }

    private static MailView.Headers headers(MailReader.Opened opened) {
        Envelope outer = opened.envelope();
        // Protected headers (the encrypted or signed content's own Subject, From...) win: the outer ones may be
        // placeholders ("...") or changed in transit. They sit on the content's top entity (inside a signature) or
        // on the decrypted entity itself.
        MimePart protectedPart = opened.content().header("Subject").isPresent() ? opened.content()
                : opened.innerHeaders() != null && opened.innerHeaders().header("Subject").isPresent() ? opened.innerHeaders()
                : null;
        Envelope inner = protectedPart == null ? null : Envelope.of(protectedPart);
        Envelope shown = inner != null && inner.subject().isPresent() ? inner : outer;
        return new MailView.Headers(addresses(pick(inner, outer, Envelope::from)), addresses(pick(inner, outer, Envelope::to)),
                addresses(pick(inner, outer, Envelope::cc)), addresses(pick(inner, outer, Envelope::replyTo)),
                shown.subject().orElse(outer.subject().orElse(null)),
                outer.date().map(d -> d.toString()).orElse(null), outer.messageId().orElse(null));
    }

    private static List<MailAddress> pick(Envelope inner, Envelope outer,
            java.util.function.Function<Envelope, List<MailAddress>> field) {
        return inner != null && !field.apply(inner).isEmpty() ? field.apply(inner) : field.apply(outer);
    }

    private static List<MailView.Address> addresses(List<MailAddress> addresses) {
        return addresses.stream().map(a -> new MailView.Address(a.name(), a.address())).toList();
    }

    /** The first inline (not attachment) leaf of {@code type}, depth first. */
    private static MimePart firstBody(MailReader.Opened opened, String type) {
        return opened.content().stream().filter(p -> !p.isMultipart() && !p.isAttachment() && p.mimeType().equals(type))
                .findFirst().orElse(null);
    }

    private static String text(MailReader.Opened opened, MimePart part) {
        if (part == null) {
            return null;
        }
        String replaced = opened.texts().get(part);
        return replaced != null ? replaced : part.text().text();
    }

    /** RFC 3156's control part and signature parts are structure, not attachments. */
    private static boolean isStructural(MimePart part) {
        return part.mimeType().equals("application/pgp-encrypted") && !part.isAttachment()
                || part.mimeType().equals("application/pgp-signature") && !part.isAttachment();
    }

    /** Every part of the content and its path, in the message's order (MimePart compares by identity). */
    private static Map<MimePart, String> paths(MimePart content) {
        Map<MimePart, String> paths = new java.util.LinkedHashMap<>();
        if (!content.isMultipart()) {
            paths.put(content, "1");
            return paths;
        }
        walk(content, "", paths);
        return paths;
    }

    private static void walk(MimePart part, String prefix, Map<MimePart, String> paths) {
        List<MimePart> children = part.children();
        for (int i = 0; i < children.size(); i++) {
            String path = prefix.isEmpty() ? Integer.toString(i + 1) : prefix + "." + (i + 1);
            paths.put(children.get(i), path);
            if (children.get(i).isMultipart()) {
                walk(children.get(i), path, paths);
            }
        }
    }

    private static String extension(String mimeType) {
        return switch (mimeType) {
            case "text/plain" -> ".txt";
            case "text/html" -> ".html";
            case "message/rfc822" -> ".eml";
            default -> ".bin";
        };
    }
}
