package io.guardcluster.filestore.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.cli.stack.Ports;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.filestore.storage.TestData;
import io.guardcluster.testing.RssSampler;
import io.guardcluster.testing.ServiceProcess;
import io.guardcluster.testing.TestCluster;
import io.guardcluster.testing.TestUsers;

/**
 * A 1 GiB file through the packaged filestore-service, up (encrypting) and down (decrypting), on NAS and on S3:
 * the bytes come back identical and the service's RSS grows by at most 64 MiB meanwhile.
 */
class FileStreamingIT {

    private static final long GIB = 1L << 30;
    private static final long RSS_GROWTH_LIMIT = 64L << 20;

    private static InternalIdentity user;
    private static String token;
    private static final Map<String, ServiceProcess> services = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        TestCluster cluster = TestCluster.get();
        user = TestUsers.fresh("streamer");
        token = FileApiContract.keyFor(user, "streaming password");
        Map<String, String> env = new HashMap<>(TestCluster.asEnvironment(cluster.databaseConfig()));
        env.putAll(TestCluster.asEnvironment(cluster.keyServiceConfig()));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        Path logs = cluster.newDirectory("files-logs-");
        Map<String, String> nas = new HashMap<>(env);
        nas.put("GUARD_STORAGE_TYPE", "file");
        nas.put("GUARD_STORAGE_FILE_UPLOAD_DIRECTORY", cluster.newDirectory("nas-").toString());
        Map<String, String> s3 = new HashMap<>(env);
        s3.putAll(TestCluster.asEnvironment(cluster.s3Config()));
        for (var entry : Map.of("file", nas, "s3", s3).entrySet()) {
            services.put(entry.getKey(), ServiceProcess.start(Path.of("").toAbsolutePath(), Ports.freePort(), entry.getValue(),
                    logs.resolve(entry.getKey() + ".log")).awaitReady(Duration.ofSeconds(90)));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (ServiceProcess service : services.values()) {
            service.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "file", "s3" })
    void aGigabyteGoesUpEncryptedAndComesBackWithBoundedMemory(String storage) throws Exception {
        ServiceProcess service = services.get(storage);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // Warm the path up (JIT, pools, the first S3 multipart upload, the heap at its working size) so the
        // baseline is the service at work, not at rest.
        String warm = upload(client, service, 64L << 20);
        download(client, service, warm);
        long baseline = service.residentBytes();

        try (RssSampler sampler = new RssSampler(service)) {
            DigestInputStream source = new DigestInputStream(TestData.stream(1, GIB), MessageDigest.getInstance("SHA-256"));
            String id = upload(client, service, source);
            String sent = HexFormat.of().formatHex(source.getMessageDigest().digest());
            Download back = download(client, service, id);
            assertThat(back.length()).isEqualTo(GIB);
            assertThat(back.sha256()).isEqualTo(sent);
            long growth = sampler.peak() - baseline;
            System.out.printf("filestore-service RSS (%s): baseline %d MiB, peak %d MiB while moving 1 GiB each way%n",
                    storage, baseline >> 20, sampler.peak() >> 20);
            assertThat(growth).as("RSS growth while streaming 1 GiB each way (%s)", storage).isLessThan(RSS_GROWTH_LIMIT);
        }
    }

    private static String upload(HttpClient client, ServiceProcess service, long size) throws Exception {
        return upload(client, service, new DigestInputStream(TestData.stream(size, size), MessageDigest.getInstance("SHA-256")));
    }

    private static String upload(HttpClient client, ServiceProcess service, DigestInputStream source) throws Exception {
        String path = "/api/files?name=big.bin";
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(service.url() + path))
                .header(InternalIdentityCodec.HEADER, TestUsers.sign(user, "POST", "127.0.0.1:" + service.port(), path))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> source)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new ObjectMapper().readTree(response.body()).path("id").asText();
    }

    private record Download(long length, String sha256) {
    }

    private static Download download(HttpClient client, ServiceProcess service, String id) throws Exception {
        String path = "/api/files/" + id + "/content";
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(service.url() + path))
                .header(InternalIdentityCodec.HEADER, TestUsers.sign(user, "GET", "127.0.0.1:" + service.port(), path))
                .header("X-Guard-Unlock-Token", token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                sha.update(buffer, 0, read);
                total += read;
            }
        }
        return new Download(total, HexFormat.of().formatHex(sha.digest()));
    }
}
