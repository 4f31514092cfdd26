package io.guardcluster.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real servers as processes on free ports and proves each one works the way the stack and
 * the test resources rely on. Prints start time and RSS of each server (lines starting with
 * {@code STACK-MEASURE}).
 */
class StackServersTest {

    private static final List<String> MEASUREMENTS = new ArrayList<>();
    private static HttpClient http;

    @TempDir
    Path tmp;

    @BeforeAll
    static void httpClient() {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void report() {
        http.close();
        MEASUREMENTS.forEach(System.out::println);
    }

    @Test
    void mariaDbKeepsDataAcrossStopAndRestartOnSameDirAndPort() throws Exception {
        Path dir = tmp.resolve("mariadb");
        int port = Ports.freePort();
        long t0 = System.nanoTime();
        MariaDbServer db = MariaDbServer.start(dir, port, "guardtest");
        try {
            measure("mariadb (first start, incl. mariadb-install-db)", t0, db);
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:" + port + "/guardtest");
            assertThat(db.reactiveUrl()).isEqualTo("mysql://127.0.0.1:" + port + "/guardtest");
            assertThat(db.user()).isEqualTo("guard");
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE note (id INT PRIMARY KEY, body VARCHAR(100)) ");
                assertThat(s.executeUpdate("INSERT INTO note VALUES (1, 'survives a restart ✓')")).isEqualTo(1);
                assertThat(selectNote(s)).isEqualTo("survives a restart ✓");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.user(), "wrong-password").close())
                    .isInstanceOf(SQLException.class);
            assertPrivate(dir.resolve("credentials.properties"));
            assertNoFileContains(dir, db.password());

            db.stop();
            assertThat(db.isAlive()).isFalse();
            assertThat(Ports.isListening(port)).as("port closed after stop").isFalse();
            assertThat(dir.resolve(ManagedProcess.PID_FILE)).doesNotExist();
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()).close())
                    .isInstanceOf(SQLException.class);
            db.stop(); // idempotent

            t0 = System.nanoTime();
            try (MariaDbServer again = MariaDbServer.start(dir, port, "guardtest")) {
                measure("mariadb (restart on the same datadir)", t0, again);
                assertThat(again.password()).isEqualTo(db.password());
                try (Connection c = DriverManager.getConnection(again.jdbcUrl(), again.user(), again.password());
                     Statement s = c.createStatement()) {
                    assertThat(selectNote(s)).isEqualTo("survives a restart ✓");
                }
            }
        } finally {
            db.stop();
        }
    }

    private static String selectNote(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT body FROM note WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void infinispanServesRestAndRejectsMissingOrWrongCredentials() throws Exception {
        Path dir = tmp.resolve("infinispan");
        int port = Ports.freePort();
        long t0 = System.nanoTime();
        try (InfinispanServer ispn = InfinispanServer.start(dir, port, ServersDir.locate())) {
            measure("infinispan", t0, ispn);
            assertThat(ispn.hosts()).isEqualTo("127.0.0.1:" + port);
            String base = ispn.restUrl();
            String auth = basic(ispn.username(), ispn.password());

            HttpResponse<String> health = send(get(base + "/rest/v2/container/health/status").header("Authorization", auth));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body().trim()).isEqualTo("HEALTHY");

            assertThat(send(get(base + "/rest/v2/server")).statusCode()).as("no credentials").isEqualTo(401);
            assertThat(send(get(base + "/rest/v2/server").header("Authorization", basic(ispn.username(), "wrong")))
                    .statusCode()).as("wrong password").isEqualTo(401);
            assertThat(send(get(base + "/rest/v2/server").header("Authorization", auth)).statusCode()).isEqualTo(200);

            // A distributed cache, as production uses: needs the one-node loopback transport.
            String cacheConfig = "{\"distributed-cache\":{\"mode\":\"SYNC\",\"encoding\":{\"media-type\":\"application/x-protostream\"}}}";
            HttpRequest.Builder create = HttpRequest.newBuilder(URI.create(base + "/rest/v2/caches/guard-test"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(cacheConfig));
            assertThat(send(create.copy()).statusCode()).as("create without credentials").isEqualTo(401);
            HttpResponse<String> created = send(create.copy().header("Authorization", auth));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(send(get(base + "/rest/v2/caches").header("Authorization", auth)).body()).contains("guard-test");

            assertPrivate(dir.resolve("conf/users.properties"));
            assertThat(Files.readString(dir.resolve("server.log"))).doesNotContain(ispn.password());
        }
        assertThat(Ports.isListening(port)).as("port closed after stop").isFalse();
    }

    @Test
    void s3ProxyKeepsTheBucketPrivateAndAcceptsSignedRequests() throws Exception {
        Path dir = tmp.resolve("s3");
        int port = Ports.freePort();
        long t0 = System.nanoTime();
        try (S3ProxyServer s3 = S3ProxyServer.start(dir, port, ServersDir.locate(), "guard-files")) {
            measure("s3proxy", t0, s3);
            String bucketUrl = s3.endpoint() + "/" + s3.bucket();

            // The bucket exists (403, not 404 NoSuchBucket) and is not public.
            HttpResponse<String> anonymousList = send(get(bucketUrl));
            assertThat(anonymousList.statusCode()).isEqualTo(403);
            assertThat(anonymousList.body()).contains("AccessDenied");
            HttpResponse<String> missing = send(get(s3.endpoint() + "/no-such-bucket"));
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("NoSuchBucket");

            byte[] content = "hello from guard".getBytes(StandardCharsets.UTF_8);
            String key = "/" + s3.bucket() + "/greeting.txt";
            HttpResponse<String> put = send(AwsSigV4.sign("PUT", s3.endpoint(), key, content,
                    s3.accessKey(), s3.secretKey(), s3.region()));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            HttpResponse<String> got = send(AwsSigV4.sign("GET", s3.endpoint(), key, new byte[0],
                    s3.accessKey(), s3.secretKey(), s3.region()));
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo("hello from guard");
            assertThat(dir.resolve("data/guard-files/greeting.txt")).hasBinaryContent(content);
            assertThat(send(get(s3.endpoint() + key)).statusCode()).as("anonymous read").isEqualTo(403);
            HttpResponse<String> forged = send(AwsSigV4.sign("PUT", s3.endpoint(), key, content,
                    s3.accessKey(), "not-the-secret", s3.region()));
            assertThat(forged.statusCode()).isEqualTo(403);

            assertPrivate(dir.resolve("s3proxy.conf"));
            assertThat(Files.readString(dir.resolve("s3proxy.log"))).doesNotContain(s3.secretKey());

            // Clear refusals instead of a confusing start-up failure.
            assertThatThrownBy(() -> S3ProxyServer.start(dir, Ports.freePort(), ServersDir.locate(), "guard-files"))
                    .isInstanceOf(IOException.class).hasMessageContaining("already running");
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThatThrownBy(() -> S3ProxyServer.start(tmp.resolve("s3-other"), taken.getLocalPort(),
                        ServersDir.locate(), "guard-files"))
                        .isInstanceOf(IOException.class).hasMessageContaining("already in use");
            }
        }
        assertThat(Ports.isListening(port)).isFalse();
    }

    @Test
    void detachedServerOutlivesTheLaunchingJvmAndCanBeFoundAndStoppedLater() throws Exception {
        Path dir = tmp.resolve("detached");
        int port = Ports.freePort();
        long pid = launchFromChildJvm(Lifetime.DETACHED, dir, port);
        try {
            assertThat(ManagedProcess.isAlive(pid)).as("server alive after its launcher JVM exited").isTrue();
            assertThat(Ports.isListening(port)).isTrue();
            assertThat(sessionId(pid)).as("own session (setsid), out of reach of the terminal's Ctrl+C").isEqualTo(pid);
            assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElseThrow()).endsWith("/java");

            Optional<ManagedProcess> found = ManagedProcess.attach(S3ProxyServer.NAME, dir);
            assertThat(found).isPresent();
            assertThat(found.get().pid()).isEqualTo(pid);
            found.get().stop();
            assertThat(ManagedProcess.isAlive(pid)).isFalse();
            assertThat(Ports.isListening(port)).isFalse();
            assertThat(dir.resolve(ManagedProcess.PID_FILE)).doesNotExist();
            assertThat(ManagedProcess.attach(S3ProxyServer.NAME, dir)).isEmpty();
        } finally {
            ManagedProcess.attach(S3ProxyServer.NAME, dir).ifPresent(ManagedProcess::stop);
        }
    }

    @Test
    void serverTiedToTheJvmStopsWhenThatJvmExits() throws Exception {
        Path dir = tmp.resolve("tied");
        int port = Ports.freePort();
        long pid = launchFromChildJvm(Lifetime.THIS_JVM, dir, port);
        try {
            assertThat(ManagedProcess.isAlive(pid)).isFalse();
            assertThat(Ports.isListening(port)).isFalse();
            assertThat(ManagedProcess.attach(S3ProxyServer.NAME, dir)).isEmpty();
        } finally {
            ManagedProcess.attach(S3ProxyServer.NAME, dir).ifPresent(ManagedProcess::stop);
        }
    }

    @Test
    void attachToAMissingProcessIsHarmless() {
        ManagedProcess none = ManagedProcess.attach("nothing", Long.MAX_VALUE);
        assertThat(none.isAlive()).isFalse();
        none.stop();
    }

    /** Runs {@link LaunchFromChildJvm} in a new JVM, waits for it to exit, returns the server's PID. */
    private static long launchFromChildJvm(Lifetime lifetime, Path dir, int port) throws Exception {
        String classpath = Stream.of(LocalProcess.class, LaunchFromChildJvm.class)
                .map(c -> Path.of(URI.create(c.getProtectionDomain().getCodeSource().getLocation().toString())).toString())
                .distinct().reduce((a, b) -> a + java.io.File.pathSeparator + b).orElseThrow();
        Process child = new ProcessBuilder(Launch.javaBinary().toString(), "-cp", classpath,
                LaunchFromChildJvm.class.getName(), lifetime.name(), dir.toString(), Integer.toString(port),
                ServersDir.locate().toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        String pidLine = output.lines().filter(l -> l.startsWith("PID ")).findFirst()
                .orElseThrow(() -> new AssertionError("no PID line in: " + output));
        return Long.parseLong(pidLine.substring(4).trim());
    }

    private static long sessionId(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[3]); // state ppid pgrp session
    }

    private static void measure(String what, long startNanos, ManagedProcess p) throws IOException {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        long rssKb = Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong)
                .findFirst().orElse(-1);
        MEASUREMENTS.add(String.format("STACK-MEASURE %-50s start %5d ms   RSS %4d MB", what, ms, rssKb / 1024));
    }

    private static void assertPrivate(Path file) throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                .isEqualTo("rw-------");
    }

    /** The secret appears only in the owner-only credential/config files, not in any log. */
    private static void assertNoFileContains(Path dir, String secret) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).toList()) {
                assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(secret);
            }
        }
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
