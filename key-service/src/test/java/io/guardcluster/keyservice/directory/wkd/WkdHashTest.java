package io.guardcluster.keyservice.directory.wkd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class WkdHashTest {

    @Test
    void matchesTheDraftsExample() {
        // draft-koch-openpgp-webkey-service: "Joe.Doe@Example.ORG" -> iy9q119eutrkn8s1mk4r39qejnbu3n5q
        assertThat(WkdHash.of("Joe.Doe")).isEqualTo("iy9q119eutrkn8s1mk4r39qejnbu3n5q");
    }

    @Test
    void decodesWhatItEncodes() {
        byte[] sha1 = WkdHash.sha1("alice.test");
        String hash = WkdHash.encode(sha1);
        assertThat(hash).hasSize(32).isEqualTo("7eoanuz7tfiit1qxso8dohktbxcd4bf8");
        assertThat(WkdHash.decode(hash)).hasValueSatisfying(bytes -> assertThat(HexFormat.of().formatHex(bytes))
                .isEqualTo(HexFormat.of().formatHex(sha1)));
        assertThat(WkdHash.decode(hash.toUpperCase())).isPresent();
    }

    @Test
    void refusesWhatIsNotAHash() {
        assertThat(WkdHash.decode("7eoanuz7tfiit1qxso8dohktbxcd4bf")).isEmpty();
        assertThat(WkdHash.decode("7eoanuz7tfiit1qxso8dohktbxcd4bf80")).isEmpty();
        assertThat(WkdHash.decode("7eoanuz7tfiit1qxso8dohktbxcd4bfl")).isEmpty(); // 'l' is not z-base-32
        assertThat(WkdHash.decode(null)).isEmpty();
    }
}
