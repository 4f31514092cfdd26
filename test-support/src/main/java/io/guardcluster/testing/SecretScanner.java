package io.guardcluster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import io.guardcluster.common.masterkey.MasterKey;
import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyFileException;
import io.guardcluster.common.masterkey.MasterKeyRing;

/**
 * Knows what must never appear in a log line, an exception message or an HTTP response: every
 * master key of an {@code oxguardpass} and the keys derived from it, in the encodings a careless
 * log statement would produce (base64, base64url, hex).
 */
public final class SecretScanner {

    /** HKDF infos of the keys derived from the master key today; add new purposes here. */
    private static final List<String> DERIVATIONS = List.of("guard-cluster/internal-identity/v1",
            "guard-cluster/seal/v1/key-cache", "guard-cluster/seal/v1/recovery", "guard-cluster/seal/v1/unlock-token",
            "guard-cluster/seal/v1/guest-pin", "guard-cluster/seal/v1/guest-session");

    private final List<String> forbidden = new ArrayList<>();

    private SecretScanner(MasterKeyRing ring, byte[]... rawSecrets) {
        for (byte[] raw : rawSecrets) {
            addEncodings(raw);
        }
        for (MasterKey key : ring.keys().values()) {
            for (String info : DERIVATIONS) {
                addEncodings(key.derive(info, 32));
            }
        }
    }

    public static SecretScanner forFile(Path oxguardpass) {
        try {
            MasterKeyRing ring = MasterKeyFile.read(oxguardpass);
            List<byte[]> raws = new ArrayList<>();
            for (String line : Files.readAllLines(oxguardpass)) {
                if (line.startsWith("key.")) {
                    raws.add(Base64.getDecoder().decode(line.substring(line.indexOf('=') + 1).strip()));
                }
            }
            return new SecretScanner(ring, raws.toArray(byte[][]::new));
        } catch (IOException | MasterKeyFileException e) {
            throw new IllegalStateException("cannot read " + oxguardpass, e);
        }
    }

    /**
     * Also forbids these strings as they are (passwords, unlock tokens, armored private keys, session
     * keys in base64...): what a test handed to or got from the service and must never see again in a log.
     */
    public SecretScanner alsoForbidding(String... secrets) {
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 8) {
                forbidden.add(secret);
            }
        }
        return this;
    }

    private void addEncodings(byte[] secret) {
        forbidden.add(Base64.getEncoder().encodeToString(secret));
        forbidden.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        forbidden.add(HexFormat.of().formatHex(secret));
        forbidden.add(HexFormat.of().withUpperCase().formatHex(secret));
    }

    /** Fails if {@code text} (a log, a response body...) contains any secret in any encoding. */
    public void assertClean(String what, String text) {
        for (String secret : forbidden) {
            assertThat(text).as("%s must not contain key material", what).doesNotContain(secret);
        }
    }
}
