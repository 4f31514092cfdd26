package io.guardcluster.emulator.session;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random identifiers: 32 lower-case hex chars like OX session ids and secrets (an unformatted UUID's length). */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    /** 128 random bits as 32 hex chars. */
    public static String hex32() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A JSESSIONID value {@code <digits>.<route>}, like OX's {@code 2648017316273288615.OX1}. */
    public static String httpSessionId(String route) {
        return Long.toString(RANDOM.nextLong() >>> 1) + "." + route;
    }

    /** Whether {@code sessionId} has the form of an OX session id (32 hex chars). */
    public static boolean looksLikeSessionId(String sessionId) {
        return sessionId != null && sessionId.length() == 32 && sessionId.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}
