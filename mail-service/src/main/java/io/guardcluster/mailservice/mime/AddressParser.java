package io.guardcluster.mailservice.mime;

import java.util.ArrayList;
import java.util.List;

/**
 * A tolerant reader of RFC 5322 address lists: mailboxes with and without display name, quoted strings, comments
 * (nested), group syntax ("team: a@x, b@y;" and "undisclosed-recipients:;"), obsolete routes, RFC 2047 words in display
 * names (also inside quotes, as many clients write them). It never fails: what it cannot make sense of is skipped.
 */
final class AddressParser {

    private AddressParser() {
    }

    static List<MailAddress> parse(String value) {
        List<MailAddress> result = new ArrayList<>();
        StringBuilder phrase = new StringBuilder();
        StringBuilder comment = new StringBuilder();
        String angle = null;
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> {
                    int close = i + 1;
                    StringBuilder quoted = new StringBuilder();
                    while (close < n && value.charAt(close) != '"') {
                        if (value.charAt(close) == '\\' && close + 1 < n) {
                            close++;
                        }
                        quoted.append(value.charAt(close));
                        close++;
                    }
                    phrase.append(quoted);
                    i = close + 1;
                }
                case '(' -> {
                    int depth = 0;
                    int j = i;
                    StringBuilder text = new StringBuilder();
                    for (; j < n; j++) {
                        char d = value.charAt(j);
                        if (d == '\\' && j + 1 < n) {
                            text.append(value.charAt(++j));
                            continue;
                        }
                        if (d == '(') {
                            if (depth++ > 0) {
                                text.append(d);
                            }
                        } else if (d == ')') {
                            if (--depth == 0) {
                                break;
                            }
                            text.append(d);
                        } else {
                            text.append(d);
                        }
                    }
                    if (comment.isEmpty()) {
                        comment.append(text);
                    }
                    phrase.append(' ');
                    i = j + 1;
                }
                case '<' -> {
                    int close = value.indexOf('>', i + 1);
                    angle = value.substring(i + 1, close < 0 ? n : close);
                    i = close < 0 ? n : close + 1;
                }
                case ',', ';' -> {
                    add(result, phrase, comment, angle);
                    phrase.setLength(0);
                    comment.setLength(0);
                    angle = null;
                    i++;
                }
                case ':' -> {
                    if (angle == null && phrase.indexOf("@") < 0) {
                        // a group's display name: drop it, its members follow
                        phrase.setLength(0);
                        comment.setLength(0);
                    } else {
                        phrase.append(c);
                    }
                    i++;
                }
                default -> {
                    phrase.append(c);
                    i++;
                }
            }
        }
        add(result, phrase, comment, angle);
        return List.copyOf(result);
    }

    private static void add(List<MailAddress> result, StringBuilder phrase, StringBuilder comment, String angle) {
        String address;
        String name;
        if (angle != null) {
            address = angle.strip();
            int route = address.lastIndexOf(':');
            if (address.startsWith("@") && route >= 0) {
                address = address.substring(route + 1); // obsolete source route "@a,@b:user@c"
            }
            name = phrase.toString();
        } else {
            address = phrase.toString();
            name = comment.toString();
        }
        address = address.replaceAll("\\s+", "");
        if (address.isEmpty()) {
            return;
        }
        name = HeaderField.decodeWords(name.strip().replaceAll("\\s+", " ")).strip();
        result.add(new MailAddress(name, address));
    }
}
