package io.guardcluster.keyservice.directory.hkp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.guardcluster.common.problem.GuardProblemException;

class HkpSearchTest {

    @Test
    void addressesInAnyCaseWithOrWithoutBrackets() {
        assertThat(HkpSearch.parse("Alice@Example.COM")).isEqualTo(new HkpSearch.Email("alice@example.com"));
        assertThat(HkpSearch.parse("<alice@example.com>")).isEqualTo(new HkpSearch.Email("alice@example.com"));
        assertThat(HkpSearch.parse(" alice+tag@mail.example.com ")).isEqualTo(new HkpSearch.Email("alice+tag@mail.example.com"));
    }

    @Test
    void keyIdsAndFingerprints() {
        assertThat(HkpSearch.parse("0x0123456789abcdef")).isEqualTo(new HkpSearch.KeyId("0123456789ABCDEF"));
        assertThat(HkpSearch.parse("0X0123456789ABCDEF")).isEqualTo(new HkpSearch.KeyId("0123456789ABCDEF"));
        assertThat(HkpSearch.parse("0123456789abcdef")).isEqualTo(new HkpSearch.KeyId("0123456789ABCDEF"));
        String v4 = "0123456789abcdef0123456789abcdef01234567";
        assertThat(HkpSearch.parse("0x" + v4)).isEqualTo(new HkpSearch.Fingerprint(v4.toUpperCase()));
        assertThat(HkpSearch.parse(v4)).isEqualTo(new HkpSearch.Fingerprint(v4.toUpperCase()));
        String v6 = v4 + "0123456789abcdef01234567";
        assertThat(HkpSearch.parse(v6)).isEqualTo(new HkpSearch.Fingerprint(v6.toUpperCase()));
        assertThat(HkpSearch.parse("0x" + v6)).isEqualTo(new HkpSearch.Fingerprint(v6.toUpperCase()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "*", "alice", "alice*", "*@example.com", "@example.com", "example.com", "alice@",
            "Alice Example", "Alice <alice@example.com>", "alice@example.com, bob@example.com", "al%ce@example.com",
            "alice@exa mple.com", "alice@example..com", "0x", "0x1234", "0xDEADBEEF", "0x0123456789abcdef0123456789abcdef",
            "0xZZZZZZZZZZZZZZZZ", "0x0123456789abcdef0", "deadbeef" })
    void everythingElseIsRefused(String search) {
        assertThatThrownBy(() -> HkpSearch.parse(search)).isInstanceOfSatisfying(GuardProblemException.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void shortKeyIdsAreRefusedWithAReason() {
        assertThatThrownBy(() -> HkpSearch.parse("0xDEADBEEF")).isInstanceOfSatisfying(GuardProblemException.class,
                e -> assertThat(e.slug()).isEqualTo("hkp-short-key-id"));
    }
}
