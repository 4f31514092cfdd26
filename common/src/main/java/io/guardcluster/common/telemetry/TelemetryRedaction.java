package io.guardcluster.common.telemetry;

import java.util.Locale;
import java.util.Set;

/**
 * What may leave a service in a trace: URLs with their secrets taken out.
 *
 * <p>Three kinds of secret reach the URLs that tracing records by default ({@code url.full},
 * {@code url.path}, {@code url.query}, the span name): the groupware session id ({@code ?session=}, on
 * every call through the gateway and on every call to the groupware backend), the guest link token (a
 * path segment: whoever has it reads that guest's mail) and anything a client puts into a query string.
 * Query values are therefore masked unless the parameter is known to carry only a verb ({@link
 * #VISIBLE_PARAMETERS}): an allow-list, because a deny-list would leak the next secret parameter someone
 * adds. Parameter names stay, so a trace still says what kind of call it was.
 */
public final class TelemetryRedaction {

    /** What a masked value becomes. */
    public static final String MASK = "REDACTED";

    /** Query parameters whose values are verbs (OX {@code action}, HKP {@code op}), never user data. */
    static final Set<String> VISIBLE_PARAMETERS = Set.of("action", "op");

    /** Path prefixes whose next segment is a bearer secret, and the placeholder that replaces it. */
    private static final String GUEST_MESSAGES = "/api/guest/messages/";

    private TelemetryRedaction() {
    }

    /** A full URL ({@code scheme://user@host:port/path?query#fragment}) with its secrets masked. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            return target(url);
        }
        int authorityStart = schemeEnd + 3;
        int pathStart = indexOfAny(url, authorityStart, '/', '?', '#');
        String authority = url.substring(authorityStart, pathStart);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            // user:password@host: the credentials go, the host stays.
            authority = MASK + authority.substring(at);
        }
        return url.substring(0, authorityStart) + authority + target(url.substring(pathStart));
    }

    /** A request target ({@code /path?query#fragment}, as in {@code http.target}) with its secrets masked. */
    public static String target(String target) {
        if (target == null) {
            return null;
        }
        int fragment = target.indexOf('#');
        if (fragment >= 0) {
            target = target.substring(0, fragment); // fragments never reach a server; a client's may hold anything
        }
        int query = target.indexOf('?');
        if (query < 0) {
            return path(target);
        }
        return path(target.substring(0, query)) + "?" + query(target.substring(query + 1));
    }

    /** A path with bearer-secret segments (the guest link) replaced by their route placeholder. */
    public static String path(String path) {
        if (path == null) {
            return null;
        }
        int at = path.indexOf(GUEST_MESSAGES);
        if (at < 0) {
            return path;
        }
        int segmentStart = at + GUEST_MESSAGES.length();
        int segmentEnd = indexOfAny(path, segmentStart, '/', '?', '#');
        if (segmentEnd == segmentStart || path.startsWith("{link}", segmentStart)) {
            return path;
        }
        return path.substring(0, segmentStart) + "{link}" + path(path.substring(segmentEnd));
    }

    /** A query string ({@code a=1&b=2}, without the {@code ?}) with every value masked but those of verbs. */
    public static String query(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        StringBuilder out = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                // A bare word may itself be the secret (?<token>): only a known verb stays.
                out.append(VISIBLE_PARAMETERS.contains(pair.toLowerCase(Locale.ROOT)) ? pair : MASK);
                continue;
            }
            String name = pair.substring(0, eq);
            out.append(name).append('=');
            out.append(VISIBLE_PARAMETERS.contains(name.toLowerCase(Locale.ROOT)) ? pair.substring(eq + 1) : MASK);
        }
        return out.toString();
    }

    /** A span name such as {@code GET /api/guest/messages/abc}: its path part made safe like any path. */
    public static String spanName(String name) {
        if (name == null) {
            return null;
        }
        int space = name.indexOf(' ');
        return space < 0 ? target(name) : name.substring(0, space + 1) + target(name.substring(space + 1));
    }

    private static int indexOfAny(String s, int from, char a, char b, char c) {
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == a || ch == b || ch == c) {
                return i;
            }
        }
        return s.length();
    }
}
