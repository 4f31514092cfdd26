package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.Test;

/**
 * Measures (never asserts) what the key cache and the decrypt path cost: key generation per profile (from the
 * shared {@link TestKeys}, so RSA-4096 is still generated only once) and session-key decryptions per second,
 * passphrase unlock included as in production. Printed as "PGP-PERF ..." lines.
 */
class PgpPerformanceTest {

    @Test
    void generationAndSessionKeyDecryption() throws Exception {
        for (String id : new String[] {"ed25519", "rsa2048", "rsa3072", "rsa4096"}) {
            TestKeys.material(KeyProfile.parse(id));
        }
        Map<String, Long> generation = new TreeMap<>();
        TestKeys.generationTimes().forEach((profile, duration) -> generation.put(profile.id(), duration.toMillis()));
        System.out.println("PGP-PERF key generation ms (one sample each, primary + subkey): " + generation);

        measure("X25519 v6 PKESK (BC v6 key, unprotected)", TestKeys.v6(), null, true, 300);
        measure("ECDH Cv25519 v3 PKESK (ed25519 profile, STORAGE)", TestKeys.ring(KeyProfile.ED25519),
                TestKeys.storagePassphrase(), false, 300);
        measure("RSA-3072 v3 PKESK (rsa3072 profile, STORAGE)", TestKeys.ring(KeyProfile.RSA3072),
                TestKeys.storagePassphrase(), false, 60);
    }

    private static void measure(String what, PGPSecretKeyRing ring, char[] passphrase, boolean v6, int rounds)
            throws Exception {
        byte[] message = TestKeys.encrypt(TestKeys.utf8("x"), TestKeys.encryptionKey(ring), v6, false).bytes();
        for (int i = 0; i < rounds / 3; i++) {
            SessionKeyDecryptor.decrypt(message, ring, passphrase); // warm-up
        }
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            assertThat(SessionKeyDecryptor.decrypt(message, ring, passphrase).key()).hasSize(32);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(String.format(Locale.ROOT, "PGP-PERF session key decrypt %s: %.0f ops/s (%.2f ms/op, %d ops)",
                what, rounds / seconds, seconds * 1000 / rounds, rounds));
    }
}
