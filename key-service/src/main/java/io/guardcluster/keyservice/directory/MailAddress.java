package io.guardcluster.keyservice.directory;

import java.util.Locale;
import java.util.Optional;

/**
 * Exact mail addresses as the directory compares them: lower-cased like {@code guard_user.email} and
 * {@code guard_key_email}, never partial. A string is an address only if it has a non-empty local
 * part, exactly one {@code @} outside the local part and a plausible domain; anything else (a name, a
 * bare domain, {@code @example.com}, wildcards) is not, so no lookup can list several users.
 */
public final class MailAddress {

    /** RFC 5321: 64 + 1 + 255; the column allows 320. */
    static final int MAX_LENGTH = 320;

    private MailAddress() {
    }

    /** {@code candidate} as a normalised address, or empty if it is not exactly one address. */
    public static Optional<String> parse(String candidate) {
        if (candidate == null) {
            return Optional.empty();
        }
        String s = candidate.strip();
        if (s.length() > MAX_LENGTH || s.isEmpty()) {
            return Optional.empty();
        }
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            return Optional.empty();
        }
        String local = s.substring(0, at);
        String domain = s.substring(at + 1);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '*' || c == '%' || c == '?' || c == ','
                    || c == ';' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\') {
                return Optional.empty();
            }
        }
        if (local.indexOf('@') >= 0 && !(local.startsWith("\"") && local.endsWith("\""))) {
            return Optional.empty();
        }
        if (!isDomain(domain)) {
            return Optional.empty();
        }
        return Optional.of(s.toLowerCase(Locale.ROOT));
    }

    /** A lower-cased DNS name (labels, no empty label, no port), or empty. */
    public static Optional<String> domain(String candidate) {
        if (candidate == null) {
            return Optional.empty();
        }
        String d = candidate.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return isDomain(d) ? Optional.of(d) : Optional.empty();
    }

    private static boolean isDomain(String domain) {
        if (domain.isEmpty() || domain.length() > 253 || domain.startsWith(".") || domain.contains("..")) {
            return false;
        }
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return !domain.endsWith(".");
    }

    /** The domain part of a normalised address. */
    public static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** The local part of a normalised address. */
    public static String localPartOf(String address) {
        return address.substring(0, address.lastIndexOf('@'));
    }

    /**
     * The address a user ID carries: the text in its last {@code <…>}, or the whole user ID if it is
     * a bare address ({@code alice@example.com}); empty for user IDs without an address.
     */
    public static Optional<String> fromUserId(String userId) {
        int open = userId.lastIndexOf('<');
        int close = userId.lastIndexOf('>');
        if (open >= 0 && close > open) {
            return parse(userId.substring(open + 1, close));
        }
        return parse(userId);
    }
}
