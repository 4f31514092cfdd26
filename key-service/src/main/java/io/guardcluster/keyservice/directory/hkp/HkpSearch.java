package io.guardcluster.keyservice.directory.hkp;

import java.util.Locale;

import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.keyservice.directory.MailAddress;

/**
 * What an HKP {@code search} parameter asks for. Only exact identifiers are understood: one mail
 * address ({@code alice@example.com} or {@code <alice@example.com>}, any case), a 64-bit key id
 * ({@code 0x} + 16 hex digits), a v4 fingerprint ({@code 0x} + 40 hex) or a v6 fingerprint (64 hex,
 * with or without {@code 0x}); the {@code 0x} may be left off 16 and 40 digits too. Everything else
 * is refused with 400: names and substrings, bare domains, wildcards (the directory never lists
 * users), 32-bit key ids (ambiguous and trivially forged: "0x" + 8 hex) and v3 fingerprints.
 */
public sealed interface HkpSearch {

    /** A lower-cased mail address. */
    record Email(String address) implements HkpSearch {
    }

    /** Upper-case hex of the 64-bit id of a primary key or subkey. */
    record KeyId(String hex) implements HkpSearch {
    }

    /** Upper-case hex of a v4 (40 digits) or v6 (64 digits) fingerprint of a primary key or subkey. */
    record Fingerprint(String hex) implements HkpSearch {
    }

    static HkpSearch parse(String search) {
        if (search == null || search.isBlank()) {
            throw GuardProblemException.badRequest("hkp-search-missing",
                    "the search parameter is required: a mail address, a key id (0x + 16 hex digits) or a fingerprint");
        }
        String s = search.strip();
        boolean prefixed = s.length() > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X');
        String hex = prefixed ? s.substring(2) : s;
        if (isHex(hex) && (prefixed || hex.length() == 16 || hex.length() == 40 || hex.length() == 64)) {
            String upper = hex.toUpperCase(Locale.ROOT);
            return switch (upper.length()) {
                case 16 -> new KeyId(upper);
                case 40, 64 -> new Fingerprint(upper);
                case 8 -> throw GuardProblemException.badRequest("hkp-short-key-id",
                        "32-bit key ids are ambiguous and easy to forge; search by the 64-bit key id (0x + 16 hex digits) or the fingerprint");
                case 32 -> throw GuardProblemException.badRequest("hkp-v3-fingerprint",
                        "v3 fingerprints are not supported; search by the 64-bit key id or a v4/v6 fingerprint");
                default -> throw malformed();
            };
        }
        if (prefixed && !s.contains("@")) {
            throw malformed();
        }
        String address = s;
        if (address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1);
        }
        return MailAddress.parse(address).<HkpSearch>map(Email::new).orElseThrow(() -> GuardProblemException.badRequest(
                "hkp-search-not-exact",
                "this directory only answers exact lookups: a complete mail address, a key id (0x + 16 hex digits) or a fingerprint; "
                        + "names, parts of addresses, domains and wildcards are not searched"));
    }

    private static GuardProblemException malformed() {
        return GuardProblemException.badRequest("hkp-malformed-key-id",
                "a key id is 0x followed by 16 hex digits, a fingerprint 0x followed by 40 (v4) or 64 (v6) hex digits");
    }

    private static boolean isHex(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
