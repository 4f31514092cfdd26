package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyProfileTest {

    @Test
    void parsesEverySupportedIdInAnyCaseAndIdIsTheInverse() {
        assertThat(KeyProfile.parse("ed25519")).isEqualTo(new KeyProfile(KeyProfile.Algorithm.ED25519, 0));
        assertThat(KeyProfile.parse("RSA2048")).isEqualTo(new KeyProfile(KeyProfile.Algorithm.RSA, 2048));
        assertThat(KeyProfile.parse("Rsa3072")).isEqualTo(KeyProfile.RSA3072);
        assertThat(KeyProfile.parse("rsa4096")).isEqualTo(KeyProfile.RSA4096);
        for (String id : new String[] {"ed25519", "rsa2048", "rsa3072", "rsa4096"}) {
            assertThat(KeyProfile.parse(id).id()).isEqualTo(id);
        }
    }

    @Test
    void refusesUnknownIdsWithAMessageNamingTheChoices() {
        for (String bad : new String[] {"rsa1024", "ed448", "", "rsa", "cv25519"}) {
            assertThatThrownBy(() -> KeyProfile.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected one of ed25519, rsa2048, rsa3072, rsa4096");
        }
        assertThatThrownBy(() -> KeyProfile.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeyProfile(KeyProfile.Algorithm.RSA, 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeyProfile(KeyProfile.Algorithm.ED25519, 2048)).isInstanceOf(IllegalArgumentException.class);
    }
}
