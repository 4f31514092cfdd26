package io.guardcluster.keyservice.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.support.KeyApi;
import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * {@code POST /api/keys/internal/sign}: detached signatures over a streamed body with the current key, the unlock
 * in headers, and every refusal. (GnuPG's view of the signatures: pgp.SignGpgInteropTest.)
 */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class SignApiTest {

    private static final String PASSWORD = "sign-api-password";
    private static final long SIGN_LIMIT = 64L * 1024 * 1024;

    @Test
    void armoredAndBinarySignaturesVerifyWithTheCurrentKey() throws Exception {
        KeyApi api = KeyApi.fresh("signer");
        String fingerprint = api.createKey(PASSWORD);
        PGPPublicKeyRing key = publicKey(api, fingerprint);
        byte[] data = "binary \r\n data\n\u0000\u00ff".getBytes(StandardCharsets.UTF_8);

        Response armored = sign(api, "", data, "X-Guard-Password", PASSWORD);
        armored.then().statusCode(200).contentType("application/pgp-signature")
                .header("X-Guard-Key-Fingerprint", fingerprint);
        assertThat(armored.asString()).startsWith("-----BEGIN PGP SIGNATURE-----");
        assertThat(Signatures.verifies(armored.asByteArray(), key, data)).isTrue();
        assertThat(Signatures.verifies(armored.asByteArray(), key, "other".getBytes(StandardCharsets.UTF_8))).isFalse();

        byte[] binary = sign(api, "?armored=false", data, "X-Guard-Password", PASSWORD).then().statusCode(200)
                .extract().asByteArray();
        assertThat(binary[0] & 0x80).as("a binary packet").isNotZero();
        PGPSignature parsed = Signatures.parse(binary);
        assertThat(parsed.getSignatureType()).isEqualTo(PGPSignature.BINARY_DOCUMENT);
        assertThat(Signatures.verifies(binary, key, data)).isTrue();
    }

    @Test
    void textModeHashesCanonicalLineEndings() throws Exception {
        KeyApi api = KeyApi.fresh("textsigner");
        String fingerprint = api.createKey(PASSWORD);
        byte[] signature = sign(api, "?text=true", "line one\nline two\n".getBytes(StandardCharsets.UTF_8),
                "X-Guard-Password", PASSWORD).then().statusCode(200).extract().asByteArray();
        assertThat(Signatures.parse(signature).getSignatureType()).isEqualTo(PGPSignature.CANONICAL_TEXT_DOCUMENT);
        assertThat(Signatures.verifies(signature, publicKey(api, fingerprint),
                "line one\r\nline two\r\n".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void signsWithTheKeyMadeCurrent() throws Exception {
        KeyApi api = KeyApi.fresh("twokeys");
        String first = api.createKey(PASSWORD);
        String second = api.post("/api/keys", "password", PASSWORD).statusCode(201).extract().path("fingerprint");
        sign(api, "", new byte[] { 1 }, "X-Guard-Password", PASSWORD).then().statusCode(200)
                .header("X-Guard-Key-Fingerprint", second);
        api.request().put("/api/keys/" + first + "/current").then().statusCode(200);
        byte[] signature = sign(api, "", new byte[] { 1 }, "X-Guard-Password", PASSWORD).then().statusCode(200)
                .header("X-Guard-Key-Fingerprint", first).extract().asByteArray();
        assertThat(Signatures.verifies(signature, publicKey(api, first), new byte[] { 1 })).isTrue();
    }

    @Test
    void anUnlockTokenWorksInstead() throws Exception {
        KeyApi api = KeyApi.fresh("tokensigner");
        String fingerprint = api.createKey(PASSWORD);
        String token = api.post("/api/keys/unlock", "password", PASSWORD).statusCode(200).extract().path("unlockToken");
        byte[] signature = sign(api, "", "x".getBytes(StandardCharsets.UTF_8), "X-Guard-Unlock-Token", token).then()
                .statusCode(200).extract().asByteArray();
        assertThat(Signatures.verifies(signature, publicKey(api, fingerprint), "x".getBytes(StandardCharsets.UTF_8))).isTrue();
        sign(api, "", new byte[1], "X-Guard-Unlock-Token", "not-a-token").then().statusCode(403)
                .body("type", is("urn:guard:problem:unlock-token-invalid"));
    }

    @Test
    void refusals() {
        KeyApi api = KeyApi.fresh("refused");
        sign(api, "", new byte[1], "X-Guard-Password", PASSWORD).then().statusCode(404)
                .contentType("application/problem+json").body("type", is("urn:guard:problem:no-guard-account"));
        String fingerprint = api.createKey(PASSWORD);

        sign(api, "", new byte[1]).then().statusCode(400).contentType("application/problem+json")
                .body("type", is("urn:guard:problem:unlock-required"));
        sign(api, "", new byte[1], "X-Guard-Password", "not-the-password").then().statusCode(403)
                .contentType("application/problem+json").body("type", is("urn:guard:problem:wrong-password"));

        api.post("/api/keys/" + fingerprint + "/revoke", "reason", "retired", "password", PASSWORD).statusCode(200);
        sign(api, "", new byte[1], "X-Guard-Password", PASSWORD).then().statusCode(409)
                .contentType("application/problem+json").body("type", is("urn:guard:problem:no-current-key"));
    }

    @Test
    void needsAnIdentity() {
        io.restassured.RestAssured.given().header("X-Guard-Password", PASSWORD).contentType("application/octet-stream")
                .body(new byte[1]).post("/api/keys/internal/sign").then().statusCode(401);
    }

    /** More than Quarkus' default body limit (10 MiB), streamed without a length: hashed as it arrives. */
    @Test
    void largeDataIsStreamed() throws Exception {
        KeyApi api = KeyApi.fresh("bigsigner");
        String fingerprint = api.createKey(PASSWORD);
        long size = 20L * 1024 * 1024 + 7;
        HttpResponse<String> response = RawCalls.post(api.user(), "/api/keys/internal/sign", RawCalls.chunked(size), false,
                Map.of("X-Guard-Password", PASSWORD));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        PGPSignature signature = Signatures.parse(response.body().getBytes(StandardCharsets.US_ASCII));
        assertThat(Signatures.verifies(signature, publicKey(api, fingerprint), new RawCalls.Pattern(size))).isTrue();
    }

    @Test
    void dataBeyondTheLimitIs413() {
        KeyApi api = KeyApi.fresh("toobig");
        api.createKey(PASSWORD);
        // Declared: refused before the body is sent.
        HttpResponse<String> declared = RawCalls.post(api.user(), "/api/keys/internal/sign", RawCalls.sized(SIGN_LIMIT + 1),
                true, Map.of("X-Guard-Password", PASSWORD));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(declared.body()).contains("urn:guard:problem:too-large");
        // Chunked: refused once more than the limit has arrived.
        HttpResponse<String> chunked = RawCalls.post(api.user(), "/api/keys/internal/sign", RawCalls.chunked(SIGN_LIMIT + 1),
                false, Map.of("X-Guard-Password", PASSWORD));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("urn:guard:problem:too-large");
        // Exactly the limit is fine.
        HttpResponse<String> exact = RawCalls.post(api.user(), "/api/keys/internal/sign", RawCalls.chunked(SIGN_LIMIT),
                false, Map.of("X-Guard-Password", PASSWORD));
        assertThat(exact.statusCode()).as(exact.body()).isEqualTo(200);
    }

    /** The sign limit does not widen what other endpoints read into memory. */
    @Test
    void otherEndpointsKeepTheSmallerBodyLimit() {
        KeyApi api = KeyApi.fresh("keyringbig");
        api.createKey(PASSWORD);
        long size = 10L * 1024 * 1024 + 1;
        HttpResponse<String> declared = RawCalls.post(api.user(), "/api/keys/keyring", RawCalls.sized(size), true, Map.of());
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("urn:guard:problem:too-large");
        HttpResponse<String> chunked = RawCalls.post(api.user(), "/api/keys/keyring", RawCalls.chunked(size), false, Map.of());
        assertThat(chunked.statusCode()).isEqualTo(413);
    }

    private static Response sign(KeyApi api, String query, byte[] data, String... headers) {
        var request = api.request().contentType("application/octet-stream").body(data);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.post("/api/keys/internal/sign" + query);
    }

    private static PGPPublicKeyRing publicKey(KeyApi api, String fingerprint) throws Exception {
        return Signatures.publicKey(api.request().get("/api/keys/" + fingerprint + "/public").then().statusCode(200)
                .extract().asString());
    }
}
