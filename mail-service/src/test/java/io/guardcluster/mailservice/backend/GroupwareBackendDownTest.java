package io.guardcluster.mailservice.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The backend down: a hung HTTP API (connects, never answers) and a REST API nobody listens on. Every call ends in a
 * 503 problem within the configured silence (1 s here) times its attempts; GETs are tried three times, the send
 * once; a REST API that keeps refusing opens the circuit, after which calls fail at once.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SilentBackendResource.class, restrictToAnnotatedClass = true)
class GroupwareBackendDownTest {

    private static final UserSession USER = new UserSession("0123456789abcdef0123456789abcdef",
            "JSESSIONID=1.node1; open-xchange-secret-x=y", "Test/1");

    @Inject
    GroupwareBackend backend;
    /** Connections the silent backend accepted (injected by {@link SilentBackendResource}). */
    AtomicInteger connections;

    @Test
    void aHungBackendIs503AfterTheTimeoutAndAGetIsTriedThreeTimes() {
        int before = connections.get();
        long started = System.nanoTime();
        assertUnavailable(() -> backend.rawMessage(USER, "default0/INBOX", "1").await().atMost(Duration.ofSeconds(30)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(10));
        assertThat(connections.get() - before).as("attempts of one GET").isEqualTo(3);
    }

    @Test
    void aSendIsNeverRepeated() {
        int before = connections.get();
        long started = System.nanoTime();
        assertUnavailable(() -> backend.send(USER, "From: a@example.com\r\nTo: b@example.com\r\n\r\nx\r\n"
                .getBytes(StandardCharsets.US_ASCII)).await().atMost(Duration.ofSeconds(30)));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        assertThat(connections.get() - before).as("attempts of one send").isEqualTo(1);
    }

    @Test
    void aRefusingBackendIs503AtOnceAndOpensTheCircuit() {
        for (int i = 0; i < 6; i++) {
            long started = System.nanoTime();
            assertUnavailable(() -> backend.userByEmail("alice@example.com").await().atMost(Duration.ofSeconds(10)));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
        GuardProblemException open = (GuardProblemException) org.assertj.core.api.Assertions.catchThrowable(
                () -> backend.userByEmail("alice@example.com").await().atMost(Duration.ofSeconds(10)));
        assertThat(open.status()).isEqualTo(503);
        assertThat(open.getMessage()).contains("too many recent failures");
        assertThat(open.retryAfterSeconds()).isPositive();
    }

    private static void assertUnavailable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GuardProblemException.class, p -> {
            assertThat(p.status()).isEqualTo(503);
            assertThat(p.slug()).isEqualTo("groupware-backend-unavailable");
        });
    }
}
