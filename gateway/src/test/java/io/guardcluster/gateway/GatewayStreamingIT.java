package io.guardcluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.guardcluster.cli.stack.Ports;
import io.guardcluster.testing.GroupwareSession;
import io.guardcluster.testing.RssSampler;
import io.guardcluster.testing.ServiceProcess;
import io.guardcluster.testing.TestCluster;

/**
 * A 1 GiB body passes through the packaged gateway in both directions with bounded memory. The
 * upstream here is a byte sink/source in the test JVM standing in for the filestore-service, whose
 * own streaming API arrives with its issue: what is under test is the gateway, which is real (and
 * runs with -Xmx256m, so buffering a body would fail outright).
 */
class GatewayStreamingIT {

    private static final long GIB = 1L << 30;
    /** The gateway may grow by this much while moving a gigabyte (buffers, JIT, metaspace): not by the body. */
    private static final long RSS_GROWTH_LIMIT = 160L << 20;

    @TempDir
    static Path logs;
    private static HttpServer upstream;
    private static final AtomicLong received = new AtomicLong();
    private static ServiceProcess emulator;
    private static ServiceProcess gateway;
    private static GroupwareSession alice;

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newFixedThreadPool(4));
        upstream.createContext("/q/health/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        upstream.createContext("/api/files/upload", exchange -> {
            long n = 0;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = in.read(buffer)) > 0) {
                    n += read;
                }
            }
            received.set(n);
            byte[] answer = ("{\"received\":" + n + "}").getBytes();
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        upstream.createContext("/api/files/broken", exchange -> {
            // Reads a little of the body, then drops the connection: an upstream dying mid-upload.
            exchange.getRequestBody().readNBytes(1 << 16);
            exchange.close();
        });
        upstream.createContext("/api/files/download", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, length unknown to the gateway
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] buffer = new byte[1 << 16];
                for (long sent = 0; sent < GIB; sent += buffer.length) {
                    out.write(buffer);
                }
            }
        });
        upstream.start();
        String files = "http://127.0.0.1:" + upstream.getAddress().getPort();

        TestCluster cluster = TestCluster.get();
        emulator = ServiceProcess.start(module("groupware-emulator"), Ports.freePort(), Map.of(), logs.resolve("emulator.log"))
                .awaitReady(Duration.ofSeconds(90));
        Map<String, String> env = new HashMap<>(TestCluster.asEnvironment(cluster.databaseConfig()));
        env.putAll(TestCluster.asEnvironment(cluster.infinispanConfig()));
        env.put("GUARD_GATEWAY_SERVICES_FILESTORE_SERVICE_URLS", files);
        env.put("GUARD_GATEWAY_BACKEND_URL", emulator.url() + "/appsuite/api");
        gateway = ServiceProcess.start(module("gateway"), Ports.freePort(), env, logs.resolve("gateway.log"))
                .awaitReady(Duration.ofSeconds(90));
        alice = GroupwareSession.login(emulator.url() + "/appsuite/api", "alice", "secret-alice");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    private static Path module(String name) {
        return Path.of("..", name).toAbsolutePath().normalize();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(HttpClient.Version.class)
    void aGigabyteUploadAndDownloadPassWithBoundedMemory(HttpClient.Version version) throws Exception {
        // HTTP_2 here means h2c (upgrade from HTTP/1.1): bodies of unknown length have no chunked encoding.
        HttpClient client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
        // Warm up the path (JIT, pools) so the baseline is the gateway at work, not at rest.
        HttpResponse<String> warm = client.send(alice.request(gateway.url() + "/api/files/upload")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1 << 20])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);
        long baseline = gateway.residentBytes();

        try (RssSampler sampler = new RssSampler(gateway)) {
            received.set(-1);
            HttpResponse<String> upload = client.send(alice.request(gateway.url() + "/api/files/upload")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(GIB))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
            assertThat(received.get()).isEqualTo(GIB);

            HttpResponse<InputStream> download = client.send(alice.request(gateway.url() + "/api/files/download").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(download.statusCode()).isEqualTo(200);
            long total = 0;
            try (InputStream in = download.body()) {
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = in.read(buffer)) > 0) {
                    total += read;
                }
            }
            assertThat(total).isEqualTo(GIB);
            long growth = sampler.peak() - baseline;
            System.out.printf("gateway RSS (%s): baseline %d MiB, peak %d MiB while moving 1 GiB each way%n", version,
                    baseline >> 20, sampler.peak() >> 20);
            assertThat(growth).as("RSS growth in bytes while streaming 1 GiB each way").isLessThan(RSS_GROWTH_LIMIT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(HttpClient.Version.class)
    void anUpstreamDyingMidUploadIsAClear502(HttpClient.Version version) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(alice.request(gateway.url() + "/api/files/broken")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(64L << 20))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("urn:guard:problem:upstream-failed").doesNotContain("Exception");
    }

    /** A body of {@code size} zero bytes, generated as it is read. */
    private static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
