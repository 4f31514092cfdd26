package io.guardcluster.emulator;

import static io.guardcluster.emulator.Emulator.currentUser;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.guardcluster.emulator.Emulator.LoggedIn;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(IdleTimeoutTest.ShortIdleTimeout.class)
class IdleTimeoutTest {

    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("guard.emulator.session.idle-timeout", "PT1.5S", "guard.emulator.nodes", "node2");
        }
    }

    @Test
    void anIdleSessionExpiresButAUsedOneLivesOn() throws InterruptedException {
        LoggedIn idle = LoggedIn.as("alice", "secret-alice");
        LoggedIn busy = LoggedIn.as("bob", "secret-bob");
        org.assertj.core.api.Assertions.assertThat(idle.cookies().get("JSESSIONID")).endsWith(".node2");
        for (int i = 0; i < 4; i++) {
            Thread.sleep(500);
            currentUser(busy.sessionId(), busy.cookies()).then().body("data.user_id", equalTo(4));
        }
        currentUser(idle.sessionId(), idle.cookies()).then().statusCode(200).body("code", equalTo("SES-0203"));
        Thread.sleep(1700);
        currentUser(busy.sessionId(), busy.cookies()).then().body("code", equalTo("SES-0203"));
    }
}
