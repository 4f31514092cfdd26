package io.guardcluster.emulator.ajax;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

import io.vertx.core.http.HttpServerRequest;

/** What the emulator needs to know of an incoming HTTP request: headers, cookies, client address, scheme. */
public final class ClientRequest {

    private final HttpHeaders headers;
    private final Map<String, String> cookies;
    private final boolean secure;
    private final String remoteAddress;

    public ClientRequest(HttpHeaders headers, UriInfo uri, HttpServerRequest vertx) {
        this.headers = headers;
        this.cookies = headers.getCookies().values().stream()
                .collect(Collectors.toUnmodifiableMap(Cookie::getName, Cookie::getValue, (a, b) -> a));
        this.secure = "https".equalsIgnoreCase(uri.getRequestUri().getScheme());
        this.remoteAddress = vertx == null || vertx.remoteAddress() == null ? null : vertx.remoteAddress().host();
    }

    /** The User-Agent header, or "" (as OX's {@code HashCalculator.getUserAgent}). */
    public String userAgent() {
        String ua = headers.getHeaderString(HttpHeaders.USER_AGENT);
        return ua == null ? "" : ua;
    }

    public String header(String name) {
        return headers.getHeaderString(name);
    }

    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    public Map<String, String> cookies() {
        return cookies;
    }

    public boolean secure() {
        return secure;
    }

    public String remoteAddress() {
        return remoteAddress;
    }
}
