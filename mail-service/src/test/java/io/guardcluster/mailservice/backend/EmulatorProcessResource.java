package io.guardcluster.mailservice.backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.guardcluster.cli.stack.Ports;
import io.guardcluster.testing.ServiceProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The packaged groupware emulator as a real process (two nodes behind its cookie-routing front, as it runs by
 * default), on a free port, with its SMTP sink on another (guests' replies); mail-service's backend configuration
 * points at both. The max message size is lowered so
 * a test can cross it without moving 64 MiB.
 */
public class EmulatorProcessResource implements QuarkusTestResourceLifecycleManager {

    static final String REST_USER = "guard";
    static final String REST_PASSWORD = "guard-rest-secret";
    static final String MAX_MESSAGE_SIZE = "16M";

    private ServiceProcess emulator;
    private int smtpPort;

    @Override
    public Map<String, String> start() {
        try {
            Path logs = Files.createTempDirectory("mail-service-emulator-");
            smtpPort = Ports.freePort();
            emulator = ServiceProcess.start(Path.of("..", "groupware-emulator").toAbsolutePath().normalize(), Ports.freePort(),
                    Map.of("GUARD_EMULATOR_NODES", "node1,node2", "GUARD_EMULATOR_SMTP_PORT", Integer.toString(smtpPort)),
                    logs.resolve("emulator.log"));
            emulator.awaitReady(Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of(
                "guard.backend.url", emulator.url() + "/appsuite/api",
                "guard.backend.rest.url", emulator.url(),
                "guard.backend.rest.username", REST_USER,
                "guard.backend.rest.password", REST_PASSWORD,
                "guard.backend.max-message-size", MAX_MESSAGE_SIZE,
                "guard.mail.smtp.host", "127.0.0.1",
                "guard.mail.smtp.port", Integer.toString(smtpPort));
    }

    @Override
    public void stop() {
        if (emulator != null) {
            try {
                emulator.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
