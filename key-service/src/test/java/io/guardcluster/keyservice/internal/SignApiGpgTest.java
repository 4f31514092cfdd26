package io.guardcluster.keyservice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.keyservice.support.PgpPeers;
import io.guardcluster.testing.GuardStackResource;
import io.guardcluster.testing.Processes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Signatures from {@code POST /api/keys/internal/sign} as GnuPG sees them: binary and armored, binary and text
 * mode, for an ed25519 and an RSA user key.
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class SignApiGpgTest {

    private static final String PASSWORD = "gpg-sign-password";

    @Test
    void gpgVerifiesEverySignatureKind() {
        for (String profile : new String[] { "ed25519", "rsa2048" }) {
            KeyApi api = KeyApi.fresh("gpgsign-" + profile);
            String fingerprint = api.createKey(PASSWORD, "profile", profile);
            byte[] publicKey = api.request().get("/api/keys/" + fingerprint + "/public").then().statusCode(200).extract()
                    .asByteArray();
            byte[] data = "signed by Guard\nsecond line\n".getBytes(StandardCharsets.UTF_8);
            try (PgpPeers.Gpg gpg = new PgpPeers.Gpg()) {
                gpg.importKey(publicKey);
                for (boolean text : new boolean[] { false, true }) {
                    for (boolean armored : new boolean[] { false, true }) {
                        byte[] signature = api.request().header("X-Guard-Password", PASSWORD)
                                .contentType("application/octet-stream").body(data)
                                .post("/api/keys/internal/sign?text=" + text + "&armored=" + armored)
                                .then().statusCode(200).extract().asByteArray();
                        Processes.Result result = gpg.verify(signature, data);
                        assertThat(result.exit()).as(profile + " text=" + text + " armored=" + armored + ": " + result.stderr())
                                .isZero();
                        assertThat(result.out()).contains("[GNUPG:] GOODSIG").contains("[GNUPG:] VALIDSIG " + fingerprint);
                        if (text) {
                            // A text signature covers the text, whatever its line endings.
                            byte[] crlf = "signed by Guard\r\nsecond line\r\n".getBytes(StandardCharsets.UTF_8);
                            assertThat(gpg.verify(signature, crlf).out()).contains("[GNUPG:] GOODSIG");
                        }
                        byte[] tampered = "signed by Guard\nsecond line!\n".getBytes(StandardCharsets.UTF_8);
                        assertThat(gpg.verify(signature, tampered).out()).contains("[GNUPG:] BADSIG");
                    }
                }
            }
        }
    }
}
