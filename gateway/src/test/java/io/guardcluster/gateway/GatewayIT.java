package io.guardcluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.guardcluster.cli.stack.Ports;
import io.guardcluster.testing.GroupwareSession;
import io.guardcluster.testing.ServiceProcess;
import io.guardcluster.testing.TestCluster;

/**
 * The packaged gateway in front of real, packaged services (two key-service replicas, a third one
 * started later), the groupware backend emulator, MariaDB and Infinispan: routing, authentication,
 * stickiness, redistribution, failover under kill -9, and the request limits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern REPLICA = Pattern.compile("\"replica\":\"[^\"]*:(\\d+)\"");

    @TempDir
    static Path logs;
    private static final List<ServiceProcess> processes = new ArrayList<>();
    private static ServiceProcess emulator;
    private static ServiceProcess keyA;
    private static ServiceProcess keyB;
    private static int keyCPort;
    private static ServiceProcess gateway;
    private static String backendApi;

    @BeforeAll
    static void startCluster() throws Exception {
        TestCluster cluster = TestCluster.get();
        Map<String, String> serviceEnv = new HashMap<>(TestCluster.asEnvironment(cluster.databaseConfig()));
        serviceEnv.putAll(TestCluster.asEnvironment(cluster.infinispanConfig()));

        emulator = start("groupware-emulator", Map.of());
        backendApi = emulator.url() + "/appsuite/api";
        keyA = start("key-service", serviceEnv);
        keyB = start("key-service", serviceEnv);
        keyCPort = Ports.freePort();
        ServiceProcess mail = start("mail-service", serviceEnv);
        Map<String, String> filesEnv = new HashMap<>(serviceEnv);
        filesEnv.put("GUARD_STORAGE_FILE_UPLOAD_DIRECTORY", cluster.newDirectory("nas-").toString());
        ServiceProcess files = start("filestore-service", filesEnv);

        Map<String, String> gatewayEnv = new HashMap<>(serviceEnv);
        // The third key-service replica is configured but not running yet: the redistribution test starts it.
        gatewayEnv.put("GUARD_GATEWAY_SERVICES_KEY_SERVICE_URLS",
                keyA.url() + "," + keyB.url() + ",http://127.0.0.1:" + keyCPort);
        gatewayEnv.put("GUARD_GATEWAY_SERVICES_MAIL_SERVICE_URLS", mail.url());
        gatewayEnv.put("GUARD_GATEWAY_SERVICES_FILESTORE_SERVICE_URLS", files.url());
        gatewayEnv.put("GUARD_GATEWAY_BACKEND_URL", backendApi);
        gatewayEnv.put("GUARD_GATEWAY_BACKEND_SESSION_CACHE_TTL", "2s");
        gatewayEnv.put("GUARD_GATEWAY_RATE_LIMIT_DIRECTORY_PER_ADDRESS", "5");
        gatewayEnv.put("GUARD_GATEWAY_MAX_REQUEST_SIZE", "64M");
        gateway = start("gateway", gatewayEnv);
        for (ServiceProcess process : processes) {
            process.awaitReady(READY);
        }
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        for (ServiceProcess process : processes) {
            process.close();
        }
    }

    private static ServiceProcess start(String module, Map<String, String> env) throws IOException {
        return start(module, env, Ports.freePort());
    }

    private static ServiceProcess start(String module, Map<String, String> env, int port) throws IOException {
        ServiceProcess process = ServiceProcess.start(Path.of("..", module).toAbsolutePath().normalize(), port, env,
                logs.resolve(module + "-" + port + ".log"));
        processes.add(process);
        return process;
    }

    private static GroupwareSession login() throws Exception {
        return GroupwareSession.login(backendApi, "alice", "secret-alice");
    }

    private static HttpResponse<String> get(GroupwareSession session, String path) throws Exception {
        // Bounded, so a request the gateway never answers shows up as a failure, not a hang.
        return HTTP.send(session.request(gateway.url() + path).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int replicaPort(HttpResponse<String> response) {
        Matcher m = REPLICA.matcher(response.body());
        assertThat(m.find()).as("a replica in %s", response.body()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    @Order(1)
    void routesEachApiToItsServiceWithTheSessionsUser() throws Exception {
        GroupwareSession alice = login();
        for (String[] route : new String[][] { { "/api/keys/version", "key-service" }, { "/api/mail/version", "mail-service" },
                { "/api/files/version", "filestore-service" } }) {
            HttpResponse<String> response = get(alice, route[0]);
            assertThat(response.statusCode()).as(route[0] + ": " + response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"service\":\"" + route[1] + "\"", "\"email\":\"alice@example.com\"",
                    "\"contextId\":1", "\"userId\":3");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        }
    }

    @Test
    @Order(2)
    void refusesRequestsWithoutAValidSession() throws Exception {
        HttpResponse<String> none = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/keys/version")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(none.body()).contains("urn:guard:problem:session-required");

        GroupwareSession alice = login();
        GroupwareSession forged = new GroupwareSession("0123456789abcdef0123456789abcdef", alice.cookies(), alice.userAgent());
        assertThat(get(forged, "/api/keys/version").statusCode()).isEqualTo(401);
        Map<String, String> noSecret = new HashMap<>(alice.cookies());
        noSecret.keySet().removeIf(name -> name.startsWith("open-xchange-secret-"));
        assertThat(get(new GroupwareSession(alice.sessionId(), noSecret, alice.userAgent()), "/api/keys/version").statusCode())
                .isEqualTo(401);
    }

    @Test
    @Order(3)
    void aLoggedOutSessionIsRefusedOnceItsCacheEntryExpires() throws Exception {
        GroupwareSession alice = login();
        assertThat(get(alice, "/api/keys/version").statusCode()).isEqualTo(200);
        HTTP.send(alice.request(backendApi + "/login?action=logout").GET().build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(2500); // the gateway's session cache TTL in this test
        assertThat(get(alice, "/api/keys/version").statusCode()).isEqualTo(401);
    }

    @Test
    @Order(4)
    void replacesAnIdentityHeaderSentFromOutside() throws Exception {
        GroupwareSession alice = login();
        HttpResponse<String> response = HTTP.send(alice.request(gateway.url() + "/api/keys/version")
                .header("X-Guard-Identity", "v1.1.Zm9yZ2Vk.Zm9yZ2Vk").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/api/keys/version"))
                .header("X-Guard-Identity", "v1.1.Zm9yZ2Vk.Zm9yZ2Vk").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void unknownAndNonCanonicalPathsAreRefusedAtTheGateway() throws Exception {
        assertThat(raw("GET /nothing/here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404");
        assertThat(raw("GET /api/keys/../files/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 400")
                .contains("non-canonical-path");
    }

    @Test
    @Order(6)
    void oversizedBodiesAreRefusedBeforeAnythingIsRead() throws Exception {
        String answer = raw("POST /api/files/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 100000000\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 413").contains("request-too-large");
    }

    @Test
    @Order(7)
    void directoryLookupsAreRateLimitedPerAddress() throws Exception {
        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/pks/lookup?op=get&search=x"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 429) {
                limited++;
                retryAfter = response.headers().firstValue("Retry-After").orElse(null);
                assertThat(response.body()).contains("urn:guard:problem:rate-limited");
            }
        }
        assertThat(limited).isEqualTo(3);
        assertThat(retryAfter).isNotNull().matches("\\d+");
    }

    @Test
    @Order(8)
    void aWebSocketUpgradeIsNoWayAroundTheSessionCheck() throws Exception {
        // Vert.x' proxy tunnels upgrades past its interceptors; the gateway turns that off.
        assertThat(raw("GET /api/keys/version HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
                .startsWith("HTTP/1.1 401").contains("session-required");
    }

    @Test
    @Order(9)
    void requestsAreCountedPerRouteServiceAndStatusClass() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(requestCount(metrics, "/api/keys/", "key-service", "2xx")).isPositive();
        assertThat(requestCount(metrics, "/api/keys/", "key-service", "4xx")).isPositive(); // the 401s
        assertThat(requestCount(metrics, "/api/mail/", "mail-service", "2xx")).isPositive();
        assertThat(requestCount(metrics, "/pks/", "key-service", "4xx")).isGreaterThanOrEqualTo(3); // the 429s
        assertThat(requestCount(metrics, "none", "none", "4xx")).isPositive(); // the gateway's own 404
        assertThat(metrics).contains("guard_gateway_requests_seconds_sum{route=\"/api/keys/\"")
                .doesNotContain("http_server_requests_seconds");
    }

    private static double requestCount(String metrics, String route, String service, String status) {
        Matcher m = Pattern.compile("(?m)^guard_gateway_requests_seconds_count\\{route=\"" + Pattern.quote(route)
                + "\",service=\"" + Pattern.quote(service) + "\",status=\"" + status + "\"} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    @Order(10)
    void aSessionStaysOnOneReplicaAndSessionsSpreadOverAll() throws Exception {
        Map<GroupwareSession, Integer> placement = placeSessions(24);
        for (Map.Entry<GroupwareSession, Integer> entry : placement.entrySet()) {
            for (int i = 0; i < 4; i++) {
                assertThat(replicaPort(get(entry.getKey(), "/api/keys/version"))).isEqualTo(entry.getValue());
            }
        }
        assertThat(placement.values()).contains(keyA.port(), keyB.port()).doesNotContain(keyCPort);
    }

    @Test
    @Order(11)
    void addingAReplicaMovesOnlyAMinorityOfSessionsAndOnlyToIt() throws Exception {
        Map<GroupwareSession, Integer> before = placeSessions(60);
        Map<String, String> env = new HashMap<>(TestCluster.asEnvironment(TestCluster.get().databaseConfig()));
        env.putAll(TestCluster.asEnvironment(TestCluster.get().infinispanConfig()));
        start("key-service", env, keyCPort).awaitReady(READY);
        // The gateway notices through its active health check (1 s interval).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Map<GroupwareSession, Integer> after;
        do {
            Thread.sleep(500);
            after = placeAgain(before);
        } while (!after.containsValue(keyCPort) && System.nanoTime() < deadline);
        int moved = 0;
        for (GroupwareSession session : before.keySet()) {
            if (!before.get(session).equals(after.get(session))) {
                moved++;
                assertThat(after.get(session)).as("a moved session goes to the new replica").isEqualTo(keyCPort);
            }
        }
        assertThat(moved).as("sessions moved to the new replica").isPositive().isLessThan(before.size() / 2);
    }

    @Test
    @Order(12)
    void killingAReplicaFailsNoRequestAndMovesItsSessionsToTheSurvivors() throws Exception {
        Map<GroupwareSession, Integer> placement = placeSessions(30);
        List<GroupwareSession> sessions = new ArrayList<>(placement.keySet());
        Map<GroupwareSession, Integer> lastSeen = new ConcurrentHashMap<>();
        AtomicInteger requests = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService loop = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int offset = t;
            loop.submit(() -> {
                int i = offset;
                while (running.get()) {
                    GroupwareSession session = sessions.get(i++ % sessions.size());
                    try {
                        HttpResponse<String> response = get(session, "/api/keys/version");
                        requests.incrementAndGet();
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                        } else {
                            lastSeen.put(session, replicaPort(response));
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
                return null;
            });
        }
        Thread.sleep(2000);
        keyA.kill();
        int atKill = requests.get();
        Thread.sleep(4000);
        running.set(false);
        loop.shutdown();
        assertThat(loop.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(failures).as("requests that failed for the user; gateway log:%n%s", gateway.output()).isEmpty();
        assertThat(requests.get() - atKill).as("requests after the kill").isGreaterThan(20);
        for (GroupwareSession session : sessions) {
            assertThat(lastSeen.get(session)).isNotEqualTo(keyA.port());
            if (placement.get(session) != keyA.port()) {
                assertThat(lastSeen.get(session)).as("sessions of the survivors stay where they were").isEqualTo(placement.get(session));
            }
        }
        assertThat(placement.values()).as("the killed replica had sessions to move").contains(keyA.port());
    }

    @Test
    @Order(19)
    void withoutInfinispanSessionsAreCheckedAtTheBackendAndRequestsStillPass() throws Exception {
        TestCluster.get().withInfinispanDown(() -> {
            GroupwareSession alice = login();
            HttpResponse<String> response = get(alice, "/api/mail/version");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(gateway.get("/q/health/ready").status()).as("the gateway stays ready without its cache").isEqualTo(200);
        });
    }

    @Test
    @Order(20)
    void anUnreachableGroupwareBackendIsA503NotA401() throws Exception {
        GroupwareSession unchecked = login(); // never used before, so not in the session cache
        emulator.kill();
        HttpResponse<String> response = get(unchecked, "/api/keys/version");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("urn:guard:problem:groupware-unavailable").doesNotContain("Exception");
    }

    private static Map<GroupwareSession, Integer> placeSessions(int count) throws Exception {
        Map<GroupwareSession, Integer> placement = new HashMap<>();
        for (int i = 0; i < count; i++) {
            GroupwareSession session = login();
            HttpResponse<String> response = get(session, "/api/keys/version");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            placement.put(session, replicaPort(response));
        }
        return placement;
    }

    private static Map<GroupwareSession, Integer> placeAgain(Map<GroupwareSession, Integer> sessions) throws Exception {
        Map<GroupwareSession, Integer> placement = new HashMap<>();
        for (GroupwareSession session : sessions.keySet()) {
            placement.put(session, replicaPort(get(session, "/api/keys/version")));
        }
        return placement;
    }

    /** A raw HTTP/1.1 exchange, for requests a well-behaved client library refuses to send. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder answer = new StringBuilder();
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    if (answer.indexOf("\r\n\r\n") > 0 && answer.indexOf("}") > 0) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // return what arrived
            }
            return answer.toString();
        }
    }
}
