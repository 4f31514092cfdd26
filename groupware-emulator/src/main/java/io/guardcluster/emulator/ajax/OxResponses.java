package io.guardcluster.emulator.ajax;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.ws.rs.core.Response;

/**
 * Builds HTTP API response bodies.
 *
 * <p>The response object follows the HTTP API introduction ("Response body",
 * {@code documentation-generic/http_api/documents/intro/1_introduction.md}): {@code data}, {@code timestamp},
 * and on errors {@code error}, {@code error_params}, {@code error_id}, {@code error_desc}, {@code code},
 * {@code categories}, {@code category}. The field order and content follow appsuite-middleware's
 * {@code ResponseWriter.addException}. Application errors are answered with HTTP 200 ("Application errors
 * ... are reported by setting the field error in the returned object").
 */
public final class OxResponses {

    /** OX answers JSON with this type (see the login exchange in {@code login_and_sessions/session_lifecycle.md}). */
    public static final String JSON_UTF8 = "application/json; charset=UTF-8";

    private static final int NODE_ID = new SecureRandom().nextInt();
    private static final AtomicLong ERROR_COUNTER = new AtomicLong();

    private OxResponses() {
    }

    /** The error object for {@code e}. */
    public static Map<String, Object> errorBody(OxException e) {
        OxErrorCode code = e.code();
        Object[] args = e.args().toArray();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", format(code.displayMessage(), args));
        json.put("error_params", e.args());
        json.put("categories", code.category().name());
        json.put("category", code.category().legacyNumber());
        json.put("code", code.code());
        json.put("error_id", NODE_ID + "-" + ERROR_COUNTER.incrementAndGet());
        json.put("error_desc", format(code.message(), args));
        return json;
    }

    /** HTTP 200 with the error object, as OX answers application errors. */
    public static Response error(OxException e) {
        return Response.ok(errorBody(e), JSON_UTF8).build();
    }

    /** {@code {"data": data}} plus {@code timestamp} when given. */
    public static Map<String, Object> data(Object data, Long timestamp) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", data);
        if (timestamp != null) {
            json.put("timestamp", timestamp);
        }
        return json;
    }

    private static String format(String template, Object[] args) {
        if (args.length == 0 || !template.contains("%")) {
            return template;
        }
        try {
            return template.formatted(args);
        } catch (RuntimeException ex) {
            return template;
        }
    }
}
