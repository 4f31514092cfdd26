package io.guardcluster.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.guardcluster.cli.init.CommandFailure;
import io.guardcluster.cli.stack.StackState.Entry;
import io.guardcluster.cli.stack.StackState.Kind;

/**
 * The parts of the local stack that need no servers: the port layout, the state file, and how
 * up/down/status treat recorded processes (a plain {@code sleep} stands in for a service). The whole
 * stack with real servers and services is exercised by {@code tests/stack-smoke.sh}.
 */
class LocalStackTest {

    @TempDir
    Path stateDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private LocalStack stack() {
        return new LocalStack(stateDir, stateDir, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void defaultPortsAreTheDocumentedOnes() {
        StackPorts ports = new StackPorts(StackPorts.DEFAULT_BASE);
        assertThat(ports.service(StackService.GATEWAY, 0)).isEqualTo(8080);
        assertThat(ports.service(StackService.KEY_SERVICE, 0)).isEqualTo(8081);
        assertThat(ports.service(StackService.MAIL_SERVICE, 0)).isEqualTo(8082);
        assertThat(ports.service(StackService.FILESTORE_SERVICE, 0)).isEqualTo(8083);
        assertThat(ports.service(StackService.KEY_SERVICE, 1)).isEqualTo(8181);
        assertThat(ports.service(StackService.GATEWAY, 2)).isEqualTo(8280);
        assertThat(ports.mariadb()).isEqualTo(13306);
        assertThat(ports.infinispan()).isEqualTo(11222);
        assertThat(ports.s3proxy()).isEqualTo(19000);
        assertThat(ports.groupwareEmulator()).isEqualTo(8009);

        StackPorts shifted = new StackPorts(9000);
        assertThat(shifted.service(StackService.GATEWAY, 0)).isEqualTo(9080);
        assertThat(shifted.mariadb()).isEqualTo(14306);
        assertThat(shifted.groupwareEmulator()).isEqualTo(9009);
        assertThat(LocalStack.groupwareApiUrl(shifted.groupwareEmulator())).isEqualTo("http://127.0.0.1:9009/appsuite/api");
    }

    @Test
    void portLayoutNeverCollidesAndStaysInRange() {
        StackPorts ports = new StackPorts(StackPorts.DEFAULT_BASE);
        Set<Integer> used = new HashSet<>(List.of(ports.mariadb(), ports.infinispan(), ports.s3proxy(),
                ports.groupwareEmulator()));
        for (int i = 0; i < StackPorts.MAX_REPLICAS; i++) {
            for (StackService s : StackService.values()) {
                assertThat(used.add(ports.service(s, i))).as(s.replicaName(i)).isTrue();
            }
        }
        assertThat(StackPorts.problem(StackPorts.DEFAULT_BASE, StackPorts.MAX_REPLICAS)).isEmpty();
        assertThat(StackPorts.problem(54535, 1)).isEmpty();
        assertThat(StackPorts.problem(54536, 1)).get().asString().contains("--base-port 54536");
        assertThat(StackPorts.problem(500, 1)).isPresent();
        // The emulator (base + 9) is the lowest port: it too must stay at or above 1024.
        assertThat(StackPorts.problem(1015, 1)).isEmpty();
        assertThat(StackPorts.problem(1014, 1)).get().asString().contains("between 1015 and 54535");
    }

    @Test
    void gatewayGetsEveryReplicaAndTheEmulatorUnderTheCurrentPropertyNames() {
        // guard.gateway.services.<service>.urls and guard.gateway.backend.url, as environment variables.
        assertThat(LocalStack.gatewayRouting(new StackPorts(9000), 2)).containsExactly(
                Map.entry("GUARD_GATEWAY_SERVICES_KEY_SERVICE_URLS", "http://127.0.0.1:9081,http://127.0.0.1:9181"),
                Map.entry("GUARD_GATEWAY_SERVICES_MAIL_SERVICE_URLS", "http://127.0.0.1:9082,http://127.0.0.1:9182"),
                Map.entry("GUARD_GATEWAY_SERVICES_FILESTORE_SERVICE_URLS", "http://127.0.0.1:9083,http://127.0.0.1:9183"),
                Map.entry("GUARD_GATEWAY_BACKEND_URL", "http://127.0.0.1:9009/appsuite/api"));
    }

    @Test
    void stateFileRoundTripsInOrder() throws Exception {
        StackState state = new StackState(stateDir, Storage.S3, 2, 9000);
        state.record(new Entry("mariadb", Kind.SERVER, 0, 0, 14306, "mariadb/process.pid", "logs/mariadb.log"));
        state.record(new Entry("gateway-0", Kind.SERVICE, 42, 1234, 9080, "run/gateway-0.pid", "logs/gateway-0.log"));
        state.record(new Entry("mariadb", Kind.SERVER, 41, 999, 14306, "mariadb/process.pid", "logs/mariadb.log"));

        StackState loaded = StackState.load(stateDir).orElseThrow();
        assertThat(loaded.storage()).isEqualTo(Storage.S3);
        assertThat(loaded.replicas()).isEqualTo(2);
        assertThat(loaded.basePort()).isEqualTo(9000);
        assertThat(loaded.processes()).containsExactlyElementsOf(state.processes());
        assertThat(loaded.processes().get(0).pid()).isEqualTo(41);

        loaded.forgetProcesses();
        assertThat(StackState.load(stateDir).orElseThrow().processes()).isEmpty();
    }

    @Test
    void upRefusesWhileARecordedProcessRunsAndDownStopsExactlyIt() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            StackState state = new StackState(stateDir, Storage.FILE, 1, 30000);
            state.record(new Entry("gateway-0", Kind.SERVICE, sleeper.pid(), LocalProcess.startMillis(sleeper.toHandle()),
                    30080, "run/gateway-0.pid", "logs/gateway-0.log"));
            // A recorded PID whose start time differs is someone else's process now: not ours to stop.
            state.record(new Entry("mariadb", Kind.SERVER, ProcessHandle.current().pid(), 1, 35306,
                    "mariadb/process.pid", "logs/mariadb.log"));

            assertThatThrownBy(() -> stack().up(null, null, null))
                    .isInstanceOfSatisfying(CommandFailure.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(CommandFailure.REFUSED);
                        assertThat(e.getMessage()).contains("still running", "1 of 2", "./guard down");
                    });
            assertThat(stack().status()).isEqualTo(1); // mariadb counts as dead

            assertThat(stack().down(false)).isZero();
            assertThat(sleeper.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(out.toString()).contains("stopped gateway-0 (pid " + sleeper.pid() + ")", "mariadb was not running",
                    "data kept in");
            assertThat(ProcessHandle.current().isAlive()).isTrue();
            assertThat(StackState.load(stateDir).orElseThrow().processes()).isEmpty();

            // Idempotent, and status says so.
            assertThat(stack().down(false)).isZero();
            assertThat(out.toString()).contains("stack not running");
            assertThat(stack().status()).isEqualTo(1);
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void purgeDeletesOnlyAStateDirectory() throws Exception {
        Files.writeString(stateDir.resolve("precious.txt"), "not a stack");
        assertThatThrownBy(() -> stack().down(true))
                .isInstanceOfSatisfying(CommandFailure.class,
                        e -> assertThat(e.exitCode()).isEqualTo(CommandFailure.REFUSED));
        assertThat(stateDir.resolve("precious.txt")).exists();

        Files.delete(stateDir.resolve("precious.txt"));
        new StackState(stateDir, Storage.FILE, 1, 30000).save();
        Files.createDirectories(stateDir.resolve("logs"));
        Files.createSymbolicLink(stateDir.resolve("logs/mariadb.log"), Path.of("../mariadb/error.log"));
        assertThat(stack().down(true)).isZero();
        assertThat(stateDir).doesNotExist();
    }
}
