package io.guardcluster.emulator.ajax;

import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * The parameters of an HTTP API request. OX reads parameters from the URI and, for POST, from the form body
 * alike ({@code HttpServletRequest.getParameter}; the login doc: "Parameters are normally expected in the POST
 * request body"), so both are merged here, URI first.
 */
public final class RequestParams {

    private final MultivaluedMap<String, String> query;
    private final MultivaluedMap<String, String> all;

    public RequestParams(MultivaluedMap<String, String> query, MultivaluedMap<String, String> form) {
        this.query = query == null ? new MultivaluedHashMap<>() : query;
        this.all = new MultivaluedHashMap<>();
        this.query.forEach((k, v) -> all.addAll(k, v));
        if (form != null) {
            form.forEach((k, v) -> all.addAll(k, v));
        }
    }

    /** The first value of {@code name}, from the URI or the form body. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(all.getFirst(name));
    }

    /** The value of {@code name}, or the documented SVL-0002 "missing parameter" error. */
    public String require(String name) {
        return get(name).orElseThrow(() -> new OxException(OxErrorCode.SVL_0002, name));
    }

    /** Whether {@code name} was sent in the URI query (not the body). */
    public boolean inQuery(String name) {
        return query.containsKey(name);
    }

    /** OX's lenient boolean ({@code LoginServlet.parseBoolean}): true, 1, yes, y, on. */
    public boolean flag(String name) {
        return get(name).map(v -> v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")
                || v.equalsIgnoreCase("y") || v.equalsIgnoreCase("on")).orElse(false);
    }
}
