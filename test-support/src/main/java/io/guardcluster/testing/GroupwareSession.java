package io.guardcluster.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A user's groupware session as the OX UI holds it: the session id (sent as {@code session=}) and
 * the cookies the login set (JSESSIONID, open-xchange-secret-*, ...). Created by a real login at the
 * groupware backend emulator.
 */
public record GroupwareSession(String sessionId, Map<String, String> cookies, String userAgent) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    public static final String USER_AGENT = "Mozilla/5.0 (GuardClusterTests)";

    /** Logs in at {@code backendApi} (e.g. {@code http://127.0.0.1:8009/appsuite/api}). */
    public static GroupwareSession login(String backendApi, String name, String password) throws IOException, InterruptedException {
        String form = "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&client=open-xchange-appsuite";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(backendApi + "/login?action=login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        int at = body.indexOf("\"session\"");
        if (response.statusCode() != 200 || at < 0) {
            throw new IllegalStateException("login failed: HTTP " + response.statusCode() + " " + body);
        }
        int start = body.indexOf('"', body.indexOf(':', at) + 1) + 1;
        String session = body.substring(start, body.indexOf('"', start));
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String setCookie : response.headers().allValues("set-cookie")) {
            String pair = setCookie.split(";", 2)[0];
            int eq = pair.indexOf('=');
            cookies.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return new GroupwareSession(session, cookies, USER_AGENT);
    }

    public String cookieHeader() {
        return cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
    }

    public String jsessionId() {
        return cookies.get("JSESSIONID");
    }

    /** A request to {@code url} (the session parameter appended) carrying this session's cookies. */
    public HttpRequest.Builder request(String url) {
        String withSession = url + (url.contains("?") ? "&" : "?") + "session=" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(withSession)).header("Cookie", cookieHeader()).header("User-Agent", userAgent);
    }
}
