package io.guardcluster.keyservice.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.bouncycastle.openpgp.PGPPublicKeyRing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.guardcluster.keyservice.directory.wkd.WkdHash;
import io.guardcluster.keyservice.pgp.KeyMaterial;
import io.guardcluster.keyservice.pgp.KeyProfile;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A tiny HKP key server and Web Key Directory on one local JDK HTTP server, for {@link ExternalRecipientsTest}.
 * What it answers depends on the local part of the address asked for (domain {@value #DOMAIN}):
 *
 * <table>
 * <tr><th>local part</th><th>HKP {@code /pks/lookup}</th><th>WKD</th></tr>
 * <tr><td>hkp-only</td><td>a good key</td><td>404</td></tr>
 * <tr><td>wkd-advanced</td><td>404</td><td>a good key (advanced method)</td></tr>
 * <tr><td>wkd-direct</td><td>404</td><td>404 advanced, a good key direct</td></tr>
 * <tr><td>both</td><td>key A</td><td>key B</td></tr>
 * <tr><td>same</td><td>key A</td><td>key A</td></tr>
 * <tr><td>hang</td><td>never answers</td><td>never answers</td></tr>
 * <tr><td>wkd-hang</td><td>never answers</td><td>no key (404)</td></tr>
 * <tr><td>garbage</td><td>200 with text that is no key</td><td>the same</td></tr>
 * <tr><td>other</td><td>a key whose user ID names another address</td><td>the same</td></tr>
 * <tr><td>expired</td><td>an expired key with the address</td><td>the same</td></tr>
 * <tr><td>anything else</td><td>404</td><td>404</td></tr>
 * </table>
 * A WKD request whose hash does not match its {@code l=} parameter is answered 400.
 */
public class ExternalKeyServers implements QuarkusTestResourceLifecycleManager {

    static final String DOMAIN = "ext.test";
    /** WKD requests received, by local part (both methods): what a remembered miss saves. */
    static final Map<String, Integer> WKD_REQUESTS = new java.util.concurrent.ConcurrentHashMap<>();
    /** The keys served, by "local part" or "local part/B". */
    private final Map<String, PGPPublicKeyRing> keys = new HashMap<>();

    private HttpServer server;
    private ExecutorService threads;

    static String address(String local) {
        return local + "@" + DOMAIN;
    }

    @Override
    public Map<String, String> start() {
        for (String local : new String[] { "hkp-only", "wkd-advanced", "wkd-direct", "both", "same" }) {
            keys.put(local, key(address(local), Instant.now(), Optional.empty()));
        }
        keys.put("both/B", key("B <" + address("both") + ">", Instant.now(), Optional.empty()));
        keys.put("other", key("Someone Else <someone@elsewhere.test>", Instant.now(), Optional.empty()));
        Instant longAgo = Instant.now().minus(Duration.ofDays(10));
        keys.put("expired", key(address("expired"), longAgo, Optional.of(longAgo.plus(Duration.ofDays(1)))));
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/pks/lookup", this::hkp);
        server.createContext("/.well-known/openpgpkey/", this::wkd);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Map<String, String> config = new HashMap<>();
        config.put("guard.recipients.hkp-servers", base);
        config.put("guard.recipients.wkd.enabled", "true");
        config.put("guard.recipients.wkd.base-url-override", base);
        config.put("guard.recipients.timeout", "1s");
        // Small enough for a test to open one WKD domain's breaker with four lookups.
        config.put("guard.recipients.circuit-breaker.request-volume", "4");
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    private static PGPPublicKeyRing key(String userId, Instant created, Optional<Instant> expiry) {
        String uid = userId.contains("<") ? userId : "<" + userId + ">";
        return OpenPgpKeys.publicKey(OpenPgpKeys.certify(KeyMaterial.generate(KeyProfile.ED25519, created), uid, expiry, null,
                OpenPgpKeys.Protection.STORAGE));
    }

    private void hkp(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI());
        String search = query.getOrDefault("search", "");
        String local = search.endsWith("@" + DOMAIN) ? search.substring(0, search.length() - DOMAIN.length() - 1) : "";
        if (!"get".equals(query.get("op")) || !"mr".equals(query.get("options"))) {
            send(exchange, 400, "text/plain", "bad request".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        switch (local) {
            case "hkp-only", "both", "same", "other", "expired" -> send(exchange, 200, "application/pgp-keys",
                    OpenPgpKeys.armor(keys.get(local)).getBytes(StandardCharsets.US_ASCII));
            case "hang" -> hang(exchange);
            case "garbage" -> send(exchange, 200, "application/pgp-keys",
                    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nthis is no key\n".getBytes(StandardCharsets.US_ASCII));
            default -> send(exchange, 404, "text/plain", "No keys found".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private void wkd(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String local = query(exchange.getRequestURI()).getOrDefault("l", "");
        WKD_REQUESTS.merge(local, 1, Integer::sum);
        // Any domain: a test may use a second one (its own WKD circuit breaker).
        boolean advanced = path.matches("/\\.well-known/openpgpkey/[^/]+/hu/[^/]+");
        boolean direct = path.startsWith("/.well-known/openpgpkey/hu/");
        String hash = path.substring(path.lastIndexOf('/') + 1);
        if (!(advanced || direct) || !hash.equals(WkdHash.of(local))) {
            send(exchange, 400, "text/plain", "bad request".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        switch (local) {
            case "wkd-advanced", "same", "other", "expired" -> sendKey(exchange, keys.get(local));
            case "both" -> sendKey(exchange, keys.get("both/B"));
            case "wkd-direct" -> {
                if (direct) {
                    sendKey(exchange, keys.get(local));
                } else {
                    send(exchange, 404, "text/plain", new byte[0]);
                }
            }
            case "hang", "wkd-hang" -> hang(exchange);
            case "garbage" -> send(exchange, 200, "application/octet-stream", "\u0099garbage".getBytes(StandardCharsets.ISO_8859_1));
            default -> send(exchange, 404, "text/plain", new byte[0]);
        }
    }

    private static void sendKey(HttpExchange exchange, PGPPublicKeyRing key) throws IOException {
        send(exchange, 200, "application/octet-stream", OpenPgpKeys.encode(key));
    }

    private static void hang(HttpExchange exchange) {
        try {
            Thread.sleep(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
