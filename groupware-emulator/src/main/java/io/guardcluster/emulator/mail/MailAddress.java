package io.guardcluster.emulator.mail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A mailbox of an address header: display name (decoded, or null) and address. As the HTTP API shows it in the
 * {@code from}/{@code to}/{@code cc}/{@code bcc} columns: "a two-element array ... the personal name, ... the email
 * address. Missing address parts are represented by null values" ({@code documentation-generic/http_api/documents/
 * appendix/2_column_identifiers.md}, "Detailed mail data").
 */
record MailAddress(String personal, String address) {

    List<String> asJson() {
        return Arrays.asList(personal, address);
    }

    /**
     * The mailboxes of an address-list header value (RFC 5322 section 3.4), leniently: quoted display names, comments,
     * encoded words, group syntax ({@code Team: a@x, b@x;} and {@code Undisclosed recipients:;}), route addresses.
     * Entries without an '@' are left out.
     */
    static List<MailAddress> parseList(String value) {
        List<MailAddress> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        StringBuilder item = new StringBuilder();
        int comment = 0;
        boolean quoted = false;
        boolean angle = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                item.append(c);
                if (c == '\\' && i + 1 < value.length()) {
                    item.append(value.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (comment > 0) {
                item.append(c);
                if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    item.append(c);
                }
                case '(' -> {
                    comment = 1;
                    item.append(c);
                }
                case '<' -> {
                    angle = true;
                    item.append(c);
                }
                case '>' -> {
                    angle = false;
                    item.append(c);
                }
                case ',', ';' -> {
                    if (angle) {
                        item.append(c);
                    } else {
                        mailbox(item.toString()).ifPresent(result::add);
                        item.setLength(0);
                    }
                }
                case ':' -> {
                    if (angle || item.indexOf("@") >= 0) {
                        item.append(c);
                    } else {
                        item.setLength(0); // a group's display name
                    }
                }
                default -> item.append(c);
            }
        }
        mailbox(item.toString()).ifPresent(result::add);
        return result;
    }

    private static java.util.Optional<MailAddress> mailbox(String raw) {
        String text = raw.trim();
        if (text.isEmpty()) {
            return java.util.Optional.empty();
        }
        int open = outsideQuotes(text, '<');
        String address;
        String personal;
        if (open >= 0) {
            int close = text.indexOf('>', open);
            address = text.substring(open + 1, close < 0 ? text.length() : close);
            int route = address.lastIndexOf(':'); // obsolete route: <@relay:user@host>
            address = route >= 0 ? address.substring(route + 1) : address;
            personal = unquote(withoutComments(text.substring(0, open)).trim());
        } else {
            int c = outsideQuotes(text, '(');
            personal = c >= 0 && text.lastIndexOf(')') > c ? text.substring(c + 1, text.lastIndexOf(')')).trim() : null;
            address = withoutComments(text);
        }
        address = address.trim();
        if (address.indexOf('@') <= 0) {
            return java.util.Optional.empty();
        }
        personal = personal == null || personal.isEmpty() ? null : EncodedWords.decode(personal);
        return java.util.Optional.of(new MailAddress(personal, address));
    }

    private static int outsideQuotes(String text, char wanted) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == wanted && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String withoutComments(String text) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (depth == 0 && c == '"') {
                quoted = !quoted;
            }
            if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String unquote(String text) {
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return text.substring(1, text.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return text;
    }
}
