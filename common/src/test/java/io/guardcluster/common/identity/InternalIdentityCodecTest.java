package io.guardcluster.common.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyRing;

class InternalIdentityCodecTest {

    private static final Instant NOW = Instant.parse("2026-11-24T20:00:00Z");
    private final MasterKeyRing ring = MasterKeyFile.generate(new SecureRandom());
    private final InternalIdentityCodec codec = new InternalIdentityCodec(ring, Clock.fixed(NOW, ZoneOffset.UTC));
    private final InternalIdentity alice = new InternalIdentity(1, 3, "alice@example.com", NOW.plusSeconds(30));
    private final RequestBinding get = new RequestBinding("GET", "127.0.0.1:8081", "/api/keys/whoami?x=1");

    @Test
    void roundTripsWithAFreshNonceEachTime() throws InvalidIdentityException {
        InternalIdentityCodec.Verified first = codec.verify(codec.sign(alice, get), get);
        InternalIdentityCodec.Verified second = codec.verify(codec.sign(alice, get), get);
        assertThat(first.identity()).isEqualTo(alice);
        assertThat(first.nonce()).isNotEqualTo(second.nonce()).hasSize(22);
    }

    @Test
    void isBoundToMethodReplicaAndUri() {
        String token = codec.sign(alice, get);
        for (RequestBinding other : new RequestBinding[] { new RequestBinding("POST", "127.0.0.1:8081", "/api/keys/whoami?x=1"),
                new RequestBinding("GET", "127.0.0.1:8181", "/api/keys/whoami?x=1"),
                new RequestBinding("GET", "127.0.0.1:8081", "/api/keys/whoami?x=2") }) {
            assertThatThrownBy(() -> codec.verify(token, other)).hasMessage("internal identity was issued for another request");
        }
    }

    @Test
    void rejectsExpiredAndOverlyLongLived() {
        String expired = codec.sign(new InternalIdentity(1, 3, "alice@example.com", NOW), get);
        assertThatThrownBy(() -> codec.verify(expired, get)).hasMessage("internal identity has expired");
        String tooLong = codec.sign(new InternalIdentity(1, 3, "alice@example.com", NOW.plusSeconds(3600)), get);
        assertThatThrownBy(() -> codec.verify(tooLong, get)).hasMessage("internal identity is valid for implausibly long");
    }

    @Test
    void rejectsForgedClaims() {
        String[] parts = codec.sign(alice, get).split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8)
                .replace("alice@example.com", "bob@example.com").replaceFirst("^1\n3\n", "1\n4\n");
        String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[3];
        assertThatThrownBy(() -> codec.verify(forged, get)).hasMessage("internal identity signature does not verify");
    }

    @Test
    void rejectsAnotherClustersSignature() {
        InternalIdentityCodec otherCluster = new InternalIdentityCodec(MasterKeyFile.generate(new SecureRandom()),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> codec.verify(otherCluster.sign(alice, get), get))
                .hasMessage("internal identity signature does not verify");
    }

    @Test
    void rejectsGarbage() {
        for (String garbage : new String[] { null, "", "v1", "v2.1.a.b", "v1.x.a.b", "v1.9.a.b", "v1.1.%%%.b", "v1.1.a.b.c" }) {
            assertThatThrownBy(() -> codec.verify(garbage, get)).isInstanceOf(InvalidIdentityException.class);
        }
    }

    @Test
    void replayGuardAcceptsANonceOnceAndForgetsItAfterExpiry() {
        Instant[] now = { NOW };
        ReplayGuard guard = new ReplayGuard(new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return now[0]; }
        });
        assertThat(guard.use("n1", NOW.plusSeconds(10))).isEqualTo(ReplayGuard.Use.FIRST);
        assertThat(guard.use("n1", NOW.plusSeconds(10))).isEqualTo(ReplayGuard.Use.REPLAYED);
        now[0] = NOW.plusSeconds(11);
        assertThat(guard.use("n2", NOW.plusSeconds(20))).as("the sweep ran: n1 is gone").isEqualTo(ReplayGuard.Use.FIRST);
        assertThat(guard.size()).isEqualTo(1);
    }

    @Test
    void aFullReplayGuardRefusesRatherThanForgets() {
        ReplayGuard guard = new ReplayGuard(Clock.fixed(NOW, ZoneOffset.UTC));
        for (int i = 0; i < ReplayGuard.CAPACITY; i++) {
            guard.use("n" + i, NOW.plusSeconds(10));
        }
        assertThat(guard.use("one-more", NOW.plusSeconds(10))).isEqualTo(ReplayGuard.Use.FULL);
        assertThat(guard.use("n1", NOW.plusSeconds(10))).as("a replay stays refused too").isNotEqualTo(ReplayGuard.Use.FIRST);
    }
}
