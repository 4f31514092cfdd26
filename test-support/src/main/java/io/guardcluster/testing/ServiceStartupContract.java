package io.guardcluster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.cli.init.ClusterInitializer;
import io.guardcluster.cli.init.Database;
import io.guardcluster.cli.stack.InfinispanServer;
import io.guardcluster.cli.stack.MariaDbServer;
import io.guardcluster.cli.stack.Ports;
import io.guardcluster.cli.stack.ServersDir;
import io.guardcluster.common.masterkey.MasterKeyFile;

/**
 * What every service promises about its start, checked on the packaged service run as a process
 * (exit codes and console output are only visible there). A service's {@code *StartupIT} extends
 * this and says where its jar is and which other servers it needs.
 *
 * <p>Each test gets its own MariaDB (so stopping it affects nobody else) and its own cluster.
 */
public abstract class ServiceStartupContract {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path work;
    private static MariaDbServer mariadb;
    private static Path oxguardpass;

    private final boolean usesInfinispan;
    private final String[] dependencyChecks;

    /**
     * @param usesInfinispan   whether the service uses Infinispan (it must stay ready without it)
     * @param dependencyChecks readiness checks that must be UP besides the master key and the database
     */
    protected ServiceStartupContract(boolean usesInfinispan, String... dependencyChecks) {
        this.usesInfinispan = usesInfinispan;
        this.dependencyChecks = dependencyChecks;
    }

    /** Environment the service needs besides the database, the master key and Infinispan (e.g. storage). */
    protected Map<String, String> dependencies() {
        return Map.of();
    }

    @BeforeAll
    static void startDatabase() throws IOException {
        mariadb = MariaDbServer.start(work.resolve("mariadb"), Ports.freePort(), "guard");
        oxguardpass = work.resolve("oxguardpass");
        new ClusterInitializer(new Database(mariadb.jdbcUrl(), mariadb.user(), mariadb.password()), new SecureRandom(),
                Clock.systemUTC()).init(oxguardpass);
    }

    @AfterAll
    static void stopDatabase() {
        if (mariadb != null) {
            mariadb.stop();
        }
    }

    @Test
    void refusesToStartWithAnotherClustersOxguardpass() throws Exception {
        Path foreign = work.resolve("foreign/oxguardpass");
        MasterKeyFile.createNew(foreign, MasterKeyFile.generate(new SecureRandom()), Instant.now());
        String expectedFingerprint = MasterKeyFile.read(oxguardpass).current().fingerprint().abbreviated();
        String foreignFingerprint = MasterKeyFile.read(foreign).current().fingerprint().abbreviated();

        String output = expectRefusal(foreign, mariadb.reactiveUrl(), "foreign");

        assertThat(output).contains("oxguardpass at " + foreign + " does not belong to this cluster (fingerprint "
                + foreignFingerprint + " expected " + expectedFingerprint + "): copy the file from the node where 'guard init' ran");
        SecretScanner.forFile(foreign).assertClean("service output", output);
        SecretScanner.forFile(oxguardpass).assertClean("service output", output);
    }

    @Test
    void refusesToStartWithoutOxguardpass() throws Exception {
        Path missing = work.resolve("nowhere/oxguardpass");
        assertThat(expectRefusal(missing, mariadb.reactiveUrl(), "missing"))
                .contains("oxguardpass not found at " + missing + ": copy the file from the node where 'guard init' ran");
    }

    @Test
    void refusesToStartWithAMalformedOxguardpass() throws Exception {
        Path malformed = work.resolve("malformed-oxguardpass");
        Files.writeString(malformed, "format=guard-oxguardpass/1\ncurrent=1\nkey.1=dG9vIHNob3J0\n");
        assertThat(expectRefusal(malformed, mariadb.reactiveUrl(), "malformed"))
                .contains("oxguardpass at " + malformed + " is malformed (key.1 is 9 bytes, expected 32)");
    }

    @Test
    void refusesToStartOnAnUninitialisedDatabase() throws Exception {
        MariaDbServer empty = MariaDbServer.start(work.resolve("mariadb-empty"), Ports.freePort(), "guard");
        try {
            assertThat(expectRefusal(oxguardpass, empty.reactiveUrl(), "uninitialised", empty))
                    .contains("has not been initialised for Guard (no master key fingerprint): run 'guard init' once");
        } finally {
            empty.stop();
        }
    }

    @Test
    void startsReadyWithItsDependenciesAndSurvivesADatabaseOutage() throws Exception {
        try (ServiceProcess service = start(oxguardpass, mariadb.reactiveUrl(), "outage", mariadb)) {
            awaitReady(service);
            ServiceProcess.Response ready = service.get("/q/health/ready");
            assertThat(ready.body()).contains("\"master-key\"", "VERIFIED", "Reactive MySQL connections health check");
            for (String check : dependencyChecks) {
                assertThat(ready.body()).contains(check);
            }
            assertThat(service.get("/q/health/live").status()).isEqualTo(200);

            mariadb.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> service.get("/q/health/ready").status() == 503);
            assertThat(service.get("/q/health/live").status()).as("a database outage is not a reason to restart").isEqualTo(200);
            assertThat(service.isAlive()).isTrue();

            mariadb = MariaDbServer.start(work.resolve("mariadb"), mariadb.port(), "guard");
            awaitReady(service);
            SecretScanner.forFile(oxguardpass).assertClean("service output", service.output());
        }
    }

    @Test
    void startsNotReadyWhileTheDatabaseIsDownAndVerifiesWhenItReturns() throws Exception {
        int port = mariadb.port();
        mariadb.stop();
        try (ServiceProcess service = start(oxguardpass, "mysql://127.0.0.1:" + port + "/guard", "late-db", mariadb)) {
            await().atMost(START_TIMEOUT).until(() -> service.get("/q/health/live").status() == 200);
            ServiceProcess.Response ready = service.get("/q/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body()).contains("WAITING_FOR_DATABASE");

            mariadb = MariaDbServer.start(work.resolve("mariadb"), port, "guard");
            awaitReady(service);
            assertThat(service.output()).contains("belongs to this cluster");
        } finally {
            if (!mariadb.isAlive()) {
                mariadb = MariaDbServer.start(work.resolve("mariadb"), port, "guard");
            }
        }
    }

    /**
     * In production (Kubernetes sets {@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true}) every console line is one
     * JSON object a log collector can parse without multi-line rules, and tracing switched on does not make
     * a service that cannot reach its collector fail or stop logging in JSON.
     */
    @Test
    void logsOneJsonObjectPerLineInProduction() throws Exception {
        Map<String, String> production = new HashMap<>(usesInfinispan ? infinispanConfig(TestCluster.get().infinispan()) : Map.of());
        production.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        production.put("QUARKUS_OTEL_SDK_DISABLED", "false");
        production.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + Ports.freePort());
        try (ServiceProcess service = start(oxguardpass, mariadb.reactiveUrl(), "json-logs", mariadb, production)) {
            awaitReady(service);
            String output = service.output();
            ObjectMapper json = new ObjectMapper();
            int records = 0;
            boolean started = false;
            for (String line : output.split("\n")) {
                if (line.isBlank() || line.startsWith("WARNING: ")) {
                    continue; // the JVM's own warnings (native access) are printed before logging starts
                }
                JsonNode record = json.readTree(line);
                assertThat(record.isObject()).as("not a JSON object: %s", line).isTrue();
                assertThat(record.has("timestamp") && record.has("level") && record.has("loggerName") && record.has("message"))
                        .as("a log record has timestamp, level, logger and message: %s", line).isTrue();
                started |= record.get("message").asText().contains("Listening on");
                records++;
            }
            assertThat(records).isPositive();
            assertThat(started).as("the start message is a JSON record too").isTrue();
            SecretScanner.forFile(oxguardpass).assertClean("service output", output);
        }
    }

    private String expectRefusal(Path file, String databaseUrl, String name, MariaDbServer... db) throws Exception {
        try (ServiceProcess service = start(file, databaseUrl, name, db.length > 0 ? db[0] : mariadb)) {
            Optional<Integer> exit = service.awaitExit(START_TIMEOUT);
            assertThat(exit).as("the service must refuse to start, output:%n%s", service.output()).contains(78);
            String output = service.output();
            assertThat(output).doesNotContain("Listening on").doesNotContain("\tat ").doesNotContain("Exception");
            return output;
        }
    }

    /**
     * Losing Infinispan costs speed, never availability: a service that uses it for shared short-lived
     * state (key cache, unlock tokens) starts and stays ready while it is down, so the gateway keeps
     * routing to it.
     */
    @Test
    void readyWhileInfinispanIsDown() throws Exception {
        Assumptions.assumeTrue(usesInfinispan, "this service does not use Infinispan");
        Path dir = work.resolve("infinispan-outage");
        InfinispanServer infinispan = InfinispanServer.start(dir, Ports.freePort(), ServersDir.locate());
        Map<String, String> config = infinispanConfig(infinispan);
        infinispan.stop();
        try (ServiceProcess service = start(oxguardpass, mariadb.reactiveUrl(), "infinispan-outage", mariadb, config)) {
            awaitReady(service);
            assertThat(service.get("/q/health/ready").body()).doesNotContain("\"infinispan\"");
        }
    }

    private static Map<String, String> infinispanConfig(InfinispanServer server) {
        return TestCluster.asEnvironment(TestCluster.infinispanConfig(server));
    }

    private ServiceProcess start(Path file, String databaseUrl, String name, MariaDbServer db) throws IOException {
        return start(file, databaseUrl, name, db,
                usesInfinispan ? infinispanConfig(TestCluster.get().infinispan()) : Map.of());
    }

    private ServiceProcess start(Path file, String databaseUrl, String name, MariaDbServer db, Map<String, String> infinispan)
            throws IOException {
        Map<String, String> env = new HashMap<>(dependencies());
        env.putAll(infinispan);
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", databaseUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", db.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", db.password());
        env.put("GUARD_MASTER_KEY_FILE", file.toString());
        env.put("GUARD_MASTER_KEY_VERIFY_RETRY_INTERVAL", "1s");
        return ServiceProcess.start(Path.of("").toAbsolutePath(), Ports.freePort(), env, work.resolve(name + ".log"));
    }

    private static void awaitReady(ServiceProcess service) {
        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(250))
                .until(() -> service.get("/q/health/ready").status() == 200);
    }
}
