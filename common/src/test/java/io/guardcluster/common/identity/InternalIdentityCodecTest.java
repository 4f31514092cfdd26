package io.guardcluster.common.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyRing;

class InternalIdentityCodecTest {

    private static final Instant NOW = Instant.parse("2026-11-24T20:00:00Z");
    private final MasterKeyRing ring = MasterKeyFile.generate(new SecureRandom());
    private final InternalIdentityCodec codec = new InternalIdentityCodec(ring, Clock.fixed(NOW, ZoneOffset.UTC));
    private final InternalIdentity alice = new InternalIdentity(1, 3, "alice@example.com", NOW.plusSeconds(60));

    @Test
    void roundTrips() throws InvalidIdentityException {
        assertThat(codec.verify(codec.sign(alice))).isEqualTo(alice);
    }

    @Test
    void rejectsExpired() {
        String token = codec.sign(new InternalIdentity(1, 3, "alice@example.com", NOW));
        assertThatThrownBy(() -> codec.verify(token)).hasMessage("internal identity has expired");
    }

    @Test
    void rejectsForgedClaims() {
        String token = codec.sign(alice);
        String[] parts = token.split("\\.");
        String bob = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("1\n4\nbob@example.com\n" + NOW.plusSeconds(60).getEpochSecond()).getBytes());
        assertThatThrownBy(() -> codec.verify(parts[0] + "." + parts[1] + "." + bob + "." + parts[3]))
                .hasMessage("internal identity signature does not verify");
    }

    @Test
    void rejectsAnotherClustersSignature() {
        InternalIdentityCodec otherCluster = new InternalIdentityCodec(MasterKeyFile.generate(new SecureRandom()),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> codec.verify(otherCluster.sign(alice)))
                .hasMessage("internal identity signature does not verify");
    }

    @Test
    void rejectsGarbage() {
        for (String garbage : new String[] { null, "", "v1", "v2.1.a.b", "v1.x.a.b", "v1.9.a.b", "v1.1.%%%.b", "v1.1.a.b.c" }) {
            assertThatThrownBy(() -> codec.verify(garbage)).isInstanceOf(InvalidIdentityException.class);
        }
    }
}
