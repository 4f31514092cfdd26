package io.guardcluster.keyservice.internal.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.pgp.KeyMaterial;
import io.guardcluster.keyservice.pgp.KeyPolicy;
import io.guardcluster.keyservice.pgp.KeyProfile;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;

class ExternalKeysTest {

    @Test
    void hkpServerUrls() {
        assertThat(ExternalKeys.hkpBase("hkps://keys.openpgp.org")).isEqualTo(URI.create("https://keys.openpgp.org"));
        assertThat(ExternalKeys.hkpBase("hkp://pool.example")).isEqualTo(URI.create("http://pool.example:11371"));
        assertThat(ExternalKeys.hkpBase("hkp://pool.example:80")).isEqualTo(URI.create("http://pool.example:80"));
        assertThat(ExternalKeys.hkpBase("https://keys.example/")).isEqualTo(URI.create("https://keys.example"));
        assertThatThrownBy(() -> ExternalKeys.hkpBase("ftp://keys.example")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void privateAddressesAreRecognised() throws Exception {
        for (String address : new String[] { "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1", "0.0.0.0",
                "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fd00::1" }) {
            assertThat(ExternalKeys.isPrivate(InetAddress.getByName(address))).as(address).isTrue();
        }
        for (String address : new String[] { "8.8.8.8", "100.128.0.1", "2001:4860:4860::8888" }) {
            assertThat(ExternalKeys.isPrivate(InetAddress.getByName(address))).as(address).isFalse();
        }
    }

    @Test
    void onlyUsablePublicKeysWithTheAddressCount() {
        PGPSecretKeyRing secret = OpenPgpKeys.certify(KeyMaterial.generate(KeyProfile.ED25519, Instant.now()),
                "Bob <bob@example.org>", Optional.empty(), null, OpenPgpKeys.Protection.STORAGE);
        byte[] publicKey = OpenPgpKeys.encode(OpenPgpKeys.publicKey(secret));
        KeyPolicy policy = KeyPolicy.defaults();
        assertThat(ExternalKeys.acceptable(publicKey, "bob@example.org", 1 << 20, policy)).hasSize(1);
        assertThat(ExternalKeys.acceptable(OpenPgpKeys.armor(OpenPgpKeys.publicKey(secret)).getBytes(StandardCharsets.US_ASCII),
                "bob@example.org", 1 << 20, policy)).hasSize(1);
        assertThat(ExternalKeys.acceptable(publicKey, "alice@example.org", 1 << 20, policy)).isEmpty();
        assertThat(ExternalKeys.acceptable(OpenPgpKeys.encode(secret), "bob@example.org", 1 << 20, policy)).isEmpty();
        assertThat(ExternalKeys.acceptable("<html>not found</html>".getBytes(StandardCharsets.US_ASCII), "bob@example.org",
                1 << 20, policy)).isEmpty();
        assertThat(ExternalKeys.acceptable(new byte[0], "bob@example.org", 1 << 20, policy)).isEmpty();
        assertThat(ExternalKeys.acceptable(publicKey, "bob@example.org", 10, policy)).as("over the size limit").isEmpty();
    }
}
