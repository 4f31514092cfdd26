package io.guardcluster.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.guardcluster.cli.init.ClusterInitializer;
import io.guardcluster.cli.init.Database;
import io.guardcluster.cli.stack.InfinispanServer;
import io.guardcluster.cli.stack.MariaDbServer;
import io.guardcluster.cli.stack.Ports;
import io.guardcluster.cli.stack.S3ProxyServer;
import io.guardcluster.cli.stack.ServersDir;

/**
 * The real servers one test JVM shares: MariaDB (initialised with 'guard init'), and on demand an
 * Infinispan server and S3Proxy. Started with the same launchers as {@code ./guard up}, on free
 * loopback ports in a temporary directory, and stopped when the JVM exits (the launchers register
 * shutdown hooks), so a test run leaves no process behind.
 */
public final class TestCluster {

    public static final String S3_BUCKET = "guard-files";
    private static TestCluster instance;

    private final Path dir;
    private final MariaDbServer mariadb;
    private final Path masterKeyFile;
    private InfinispanServer infinispan;
    private S3ProxyServer s3proxy;
    private ServiceProcess keyService;
    private ServiceProcess filestoreService;

    private TestCluster(Path dir) throws IOException {
        this.dir = dir;
        this.mariadb = MariaDbServer.start(dir.resolve("mariadb"), Ports.freePort(), "guard");
        this.masterKeyFile = dir.resolve("oxguardpass");
        new ClusterInitializer(database(), new SecureRandom(), Clock.systemUTC()).init(masterKeyFile);
    }

    /** The JVM's cluster, started on first use. */
    public static synchronized TestCluster get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("guard-test-cluster-");
                instance = new TestCluster(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "guard-test-cluster-cleanup"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test cluster's servers", e);
            }
        }
        return instance;
    }

    public synchronized InfinispanServer infinispan() {
        if (infinispan == null) {
            try {
                infinispan = InfinispanServer.start(dir.resolve("infinispan"), Ports.freePort(), ServersDir.locate());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start Infinispan", e);
            }
        }
        return infinispan;
    }

    /** Stops Infinispan (an outage) and starts it again on the same port and data when {@code outage} returns. */
    public synchronized void withInfinispanDown(ThrowingRunnable outage) throws Exception {
        InfinispanServer running = infinispan();
        int port = running.port();
        running.stop();
        try {
            outage.run();
        } finally {
            infinispan = InfinispanServer.start(dir.resolve("infinispan"), port, ServersDir.locate());
        }
    }

    /** A test step that may throw. */
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    public synchronized S3ProxyServer s3proxy() {
        if (s3proxy == null) {
            try {
                s3proxy = S3ProxyServer.start(dir.resolve("s3proxy"), Ports.freePort(), ServersDir.locate(), S3_BUCKET);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start S3Proxy", e);
            }
        }
        return s3proxy;
    }

    /**
     * A packaged key-service (from {@code ../key-service}, built earlier in the reactor) on this cluster's database,
     * Infinispan and oxguardpass, for services that call it; started on first use, one per JVM. Its pool of
     * pre-generated keys is off (nothing here needs RSA keys fast).
     */
    public synchronized ServiceProcess keyService() {
        if (keyService == null || !keyService.isAlive()) {
            try {
                Map<String, String> env = new HashMap<>(asEnvironment(databaseConfig()));
                env.putAll(asEnvironment(infinispanConfig()));
                env.put("GUARD_KEY_CACHE_ENABLED", "false");
                env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
                Path module = locateModule("key-service");
                keyService = ServiceProcess.start(module, Ports.freePort(), env, dir.resolve("key-service.log"))
                        .awaitReady(java.time.Duration.ofSeconds(90));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start key-service", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting key-service", e);
            }
        }
        return keyService;
    }

    /** Client settings that make a service call {@link #keyService()} (Stork's static list). */
    public Map<String, String> keyServiceConfig() {
        return Map.of("quarkus.stork.key-service.service-discovery.type", "static",
                "quarkus.stork.key-service.service-discovery.address-list", "127.0.0.1:" + keyService().port());
    }

    /**
     * A packaged filestore-service (from {@code ../filestore-service}, built earlier in the reactor) on this cluster's
     * database and oxguardpass, storing on a fresh NAS directory under the cluster's temporary directory, calling
     * {@link #keyService()}; started on first use, one per JVM.
     */
    public synchronized ServiceProcess filestoreService() {
        if (filestoreService == null || !filestoreService.isAlive()) {
            ServiceProcess keys = keyService();
            try {
                Map<String, String> env = new HashMap<>(asEnvironment(databaseConfig()));
                env.put("GUARD_STORAGE_TYPE", "file");
                env.put("GUARD_STORAGE_FILE_UPLOAD_DIRECTORY", newDirectory("filestore-nas-").toString());
                env.put("QUARKUS_STORK_KEY_SERVICE_SERVICE_DISCOVERY_TYPE", "static");
                env.put("QUARKUS_STORK_KEY_SERVICE_SERVICE_DISCOVERY_ADDRESS_LIST", "127.0.0.1:" + keys.port());
                env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
                Path module = locateModule("filestore-service");
                filestoreService = ServiceProcess.start(module, Ports.freePort(), env, dir.resolve("filestore-service.log"))
                        .awaitReady(java.time.Duration.ofSeconds(90));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start filestore-service", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting filestore-service", e);
            }
        }
        return filestoreService;
    }

    /** Client settings that make a service call {@link #filestoreService()} (Stork's static list). */
    public Map<String, String> filestoreServiceConfig() {
        return Map.of("quarkus.stork.filestore-service.service-discovery.type", "static",
                "quarkus.stork.filestore-service.service-discovery.address-list", "127.0.0.1:" + filestoreService().port());
    }

    /** A sibling module's directory, from a module's directory (Maven runs tests there) or the project root. */
    private static Path locateModule(String name) {
        for (Path candidate : List.of(Path.of("..", name), Path.of(name))) {
            if (Files.isDirectory(candidate.resolve("target"))) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("module " + name + " is not built (no " + name + "/target): build the project first");
    }

    public MariaDbServer mariadb() {
        return mariadb;
    }

    public Database database() {
        return new Database(mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
    }

    public Path masterKeyFile() {
        return masterKeyFile;
    }

    /** A fresh directory under the cluster's temporary directory (e.g. a NAS share for one test). */
    public Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(dir, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings for a service: the database and this cluster's oxguardpass, as Quarkus config keys. */
    public Map<String, String> databaseConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.reactive.url", mariadb.reactiveUrl());
        config.put("quarkus.datasource.username", mariadb.user());
        config.put("quarkus.datasource.password", mariadb.password());
        config.put("guard.master-key.file", masterKeyFile.toString());
        return config;
    }

    public Map<String, String> infinispanConfig() {
        return infinispanConfig(infinispan());
    }

    /** Client settings for {@code server}, as Quarkus config keys. */
    public static Map<String, String> infinispanConfig(InfinispanServer server) {
        return Map.of("quarkus.infinispan-client.hosts", server.hosts(),
                "quarkus.infinispan-client.username", server.username(),
                "quarkus.infinispan-client.password", server.password(),
                "quarkus.infinispan-client.sasl-mechanism", InfinispanServer.SASL_MECHANISM);
    }

    public Map<String, String> s3Config() {
        S3ProxyServer server = s3proxy();
        return Map.of("guard.storage.type", "s3",
                "guard.storage.s3.bucket", server.bucket(),
                "quarkus.s3.endpoint-override", server.endpoint(),
                "quarkus.s3.aws.region", server.region(),
                "quarkus.s3.aws.credentials.type", "static",
                "quarkus.s3.aws.credentials.static-provider.access-key-id", server.accessKey(),
                "quarkus.s3.aws.credentials.static-provider.secret-access-key", server.secretKey());
    }

    /** Quarkus config keys as the environment variables an operator would set (for packaged services). */
    public static Map<String, String> asEnvironment(Map<String, String> config) {
        Map<String, String> env = new HashMap<>();
        config.forEach((key, value) -> env.put(key.toUpperCase().replaceAll("[^A-Z0-9]", "_"), value));
        return env;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: it is a temporary directory.
        }
    }
}
