package io.guardcluster.keyservice.pgp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.guardcluster.keyservice.support.PgpPeers;

/**
 * Interop with OpenPGP.js 6 (Node), both directions. Skipped, with the reason, only if npm cannot install it.
 * Each test runs one or two small Node scripts.
 */
class OpenPgpJsInteropTest {

    private static final byte[] PLAINTEXT = TestKeys.utf8("Hello OpenPGP.js, this is Guard. ✓\n");
    private static final List<String> PROFILES = List.of("ed25519", "rsa2048", "rsa3072", "rsa4096");
    private static PgpPeers.OpenPgpJs js;

    @BeforeAll
    static void install() {
        js = PgpPeers.OpenPgpJs.get();
    }

    @Test
    void openPgpJsReadsOurPublicKeysAndWhatItEncryptsToThemWeCanDecrypt() throws Exception {
        Map<String, byte[]> inputs = new HashMap<>();
        inputs.put("plain", PLAINTEXT);
        for (String id : PROFILES) {
            inputs.put("pub_" + id + ".asc", OpenPgpKeys.armor(OpenPgpKeys.publicKey(TestKeys.ring(KeyProfile.parse(id))))
                    .getBytes(StandardCharsets.US_ASCII));
        }
        Path out = js.run("""
                for (const id of %s) {
                  const key = await openpgp.readKey({ armoredKey: text('pub_' + id + '.asc') });
                  await key.verifyPrimaryKey();
                  const encryptionKey = await key.getEncryptionKey();
                  const message = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: read('plain') }),
                      encryptionKeys: key, format: 'binary' });
                  write('msg_' + id, message);
                  write('fpr_' + id, key.getFingerprint().toUpperCase() + ' ' + encryptionKey.getKeyID().toHex().toUpperCase()
                      + ' ' + key.getUserIDs().join('|'));
                }
                """.formatted(jsArray(PROFILES)), inputs);

        Map<String, byte[]> decryptInputs = new HashMap<>();
        StringBuilder ids = new StringBuilder();
        for (String id : PROFILES) {
            PGPSecretKeyRing ring = TestKeys.ring(KeyProfile.parse(id));
            KeyInfo info = KeyInfo.of(ring);
            String seen = new String(PgpPeers.read(out.resolve("fpr_" + id)), StandardCharsets.UTF_8);
            assertThat(seen).isEqualTo(info.fingerprint() + " " + info.allKeyIds().get(1) + " " + info.userIds().get(0));

            byte[] message = PgpPeers.read(out.resolve("msg_" + id));
            assertThat(SessionKeyDecryptor.recipientKeyIds(message)).containsExactly(info.allKeyIds().get(1));
            SessionKey sessionKey = SessionKeyDecryptor.decrypt(message, ring, TestKeys.storagePassphrase());
            assertThat(sessionKey.symmetricAlgorithm()).isEqualTo(9);
            assertThat(TestKeys.decryptWithSessionKey(message, sessionKey)).isEqualTo(PLAINTEXT);
            decryptInputs.put("msg_" + id, message);
            decryptInputs.put("sk_" + id, HexFormat.of().formatHex(sessionKey.key()).getBytes(StandardCharsets.US_ASCII));
            ids.append(id).append(' ');
        }
        Path plain = js.run(decryptWithSessionKeys(PROFILES), decryptInputs);
        for (String id : PROFILES) {
            assertThat(PgpPeers.read(plain.resolve("plain_" + id))).as(id).isEqualTo(PLAINTEXT);
        }
    }

    @Test
    void openPgpJsVerifiesOurDetachedSignatures() throws Exception {
        String data = "signed by Guard for OpenPGP.js\nline two\n";
        Map<String, byte[]> inputs = new HashMap<>();
        inputs.put("data", TestKeys.utf8(data));
        StringBuilder cases = new StringBuilder("[");
        for (KeyProfile profile : List.of(KeyProfile.ED25519, KeyProfile.RSA2048)) {
            PGPSecretKeyRing ring = TestKeys.ring(profile);
            inputs.put("pub_" + profile.id(), OpenPgpKeys.armor(OpenPgpKeys.publicKey(ring)).getBytes(StandardCharsets.US_ASCII));
            for (boolean text : new boolean[] {false, true}) {
                for (boolean armored : new boolean[] {false, true}) {
                    String name = profile.id() + (text ? "_text" : "_binary") + (armored ? "_armored" : "_raw");
                    inputs.put(name, DetachedSigner.sign(new ByteArrayInputStream(TestKeys.utf8(data)), ring,
                            TestKeys.storagePassphrase(), text, armored));
                    cases.append("{name:'").append(name).append("',key:'pub_").append(profile.id()).append("',text:")
                            .append(text).append(",armored:").append(armored).append("},");
                }
            }
        }
        cases.append("]");
        Path out = js.run("""
                const results = {};
                for (const c of %s) {
                  const verificationKeys = await openpgp.readKey({ armoredKey: text(c.key) });
                  const signature = c.armored ? await openpgp.readSignature({ armoredSignature: text(c.name) })
                                              : await openpgp.readSignature({ binarySignature: read(c.name) });
                  const message = c.text ? await openpgp.createMessage({ text: text('data') })
                                         : await openpgp.createMessage({ binary: read('data') });
                  try {
                    const { signatures } = await openpgp.verify({ message, signature, verificationKeys, expectSigned: true });
                    await signatures[0].verified;
                    results[c.name] = 'ok ' + signatures[0].keyID.toHex().toUpperCase();
                  } catch (e) {
                    results[c.name] = 'failed: ' + e.message;
                  }
                }
                write('results.json', JSON.stringify(results));
                """.formatted(cases), inputs);
        String results = new String(PgpPeers.read(out.resolve("results.json")), StandardCharsets.UTF_8);
        for (KeyProfile profile : List.of(KeyProfile.ED25519, KeyProfile.RSA2048)) {
            String keyId = KeyInfo.of(TestKeys.ring(profile)).keyId();
            for (String kind : List.of("_binary_raw", "_binary_armored", "_text_raw", "_text_armored")) {
                assertThat(results).contains("\"" + profile.id() + kind + "\":\"ok " + keyId + "\"");
            }
        }
    }

    @Test
    void openPgpJsUnlocksOurExportedPrivateKeyWithThePassword() throws Exception {
        String password = "export pass phrase";
        PGPSecretKeyRing exported = OpenPgpKeys.reprotect(TestKeys.ring(KeyProfile.ED25519), TestKeys.storagePassphrase(),
                password.toCharArray(), OpenPgpKeys.Protection.EXPORT);
        Path out = js.run("""
                const privateKey = await openpgp.readPrivateKey({ armoredKey: text('key.asc') });
                let wrong = 'accepted';
                try { await openpgp.decryptKey({ privateKey, passphrase: 'not it' }); } catch (e) { wrong = 'refused'; }
                const unlocked = await openpgp.decryptKey({ privateKey, passphrase: text('password') });
                const signature = await openpgp.sign({ message: await openpgp.createMessage({ binary: read('data') }),
                    signingKeys: unlocked, detached: true, format: 'binary' });
                write('sig', signature);
                write('state', unlocked.isDecrypted() + ' ' + wrong);
                """, Map.of("key.asc", OpenPgpKeys.armor(exported).getBytes(StandardCharsets.US_ASCII),
                "password", TestKeys.utf8(password), "data", PLAINTEXT));
        assertThat(new String(PgpPeers.read(out.resolve("state")), StandardCharsets.UTF_8)).isEqualTo("true refused");
        assertThat(DetachedSignerTest.verify(DetachedSignerTest.parse(PgpPeers.read(out.resolve("sig"))), exported, PLAINTEXT))
                .isTrue();
    }

    @Test
    void weReadAnOpenPgpJsV6KeyAndDecryptTheX25519SessionKeyOfWhatItEncrypts() throws Exception {
        String password = "erin's v6 password";
        Path out = js.run("""
                const { privateKey, publicKey } = await openpgp.generateKey({ type: 'curve25519',
                    userIDs: [{ name: 'Erin Six', email: 'Erin@JS.example' }], passphrase: text('password'),
                    format: 'armored', config: { v6Keys: true, aeadProtect: true } });
                write('v6.key', privateKey);
                write('v6.pub', publicKey);
                const encryptionKeys = await openpgp.readKey({ armoredKey: publicKey });
                // the key advertises SEIPDv2 (aeadProtect at generation): SEIPDv2 with a v6 PKESK
                write('v6.msg', await openpgp.encrypt({ message: await openpgp.createMessage({ binary: read('plain') }),
                    encryptionKeys, format: 'binary', config: { aeadProtect: true } }));
                // a v6 key without the SEIPDv2 feature gets SEIPDv1 with a v3 PKESK (still X25519)
                const plain = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ email: 'erin@js.example' }],
                    passphrase: text('password'), format: 'armored', config: { v6Keys: true } });
                write('v6-seipd1.key', plain.privateKey);
                write('v3.msg', await openpgp.encrypt({ message: await openpgp.createMessage({ binary: read('plain') }),
                    encryptionKeys: await openpgp.readKey({ armoredKey: plain.publicKey }), format: 'binary' }));
                """, Map.of("password", TestKeys.utf8(password), "plain", PLAINTEXT));

        List<PGPKeyRing> publicRings = KeyReader.read(PgpPeers.read(out.resolve("v6.pub")), 1 << 20);
        KeyInfo info = KeyInfo.of(publicRings.get(0));
        assertThat(info.version()).isEqualTo(6);
        assertThat(info.fingerprint()).hasSize(64);
        assertThat(info.algorithm()).isEqualTo("Ed25519");
        assertThat(info.userIds()).containsExactly("Erin Six <Erin@JS.example>");
        assertThat(info.emails()).containsExactly("erin@js.example");
        assertThat(info.allKeyIds()).hasSize(2);
        assertThat(info.canEncrypt()).isTrue();
        assertThat(info.canSign()).isTrue();
        assertThat(KeyPolicy.defaults().problem(publicRings.get(0))).isEmpty();
        assertThat(KeyInfo.algorithmName(TestKeys.encryptionKey(publicRings.get(0)))).isEqualTo("X25519");

        PGPSecretKeyRing secret = (PGPSecretKeyRing) KeyReader.read(PgpPeers.read(out.resolve("v6.key")), 1 << 20).get(0);
        assertThat(KeyInfo.of(secret).fingerprint()).isEqualTo(info.fingerprint());
        assertThat(OpenPgpKeys.verifyPassphrase(secret, password.toCharArray())).isTrue();

        byte[] message = PgpPeers.read(out.resolve("v6.msg"));
        assertThat(message[2]).as("v6 PKESK").isEqualTo((byte) 6);
        assertThat(SessionKeyDecryptor.recipientKeyIds(message)).containsExactly(info.allKeyIds().get(1));
        SessionKey sessionKey = SessionKeyDecryptor.decrypt(message, secret, password.toCharArray());
        assertThat(sessionKey.symmetricAlgorithm()).as("from the SEIPDv2 packet").isIn(7, 9);
        assertThat(TestKeys.decryptWithSessionKey(message, sessionKey)).isEqualTo(PLAINTEXT);

        byte[] v3Message = PgpPeers.read(out.resolve("v3.msg"));
        assertThat(v3Message[2]).as("v3 PKESK").isEqualTo((byte) 3);
        assertThat(v3Message[2 + 1 + 8]).as("X25519").isEqualTo((byte) 25);
        PGPSecretKeyRing seipd1Key = (PGPSecretKeyRing) KeyReader.read(PgpPeers.read(out.resolve("v6-seipd1.key")), 1 << 20).get(0);
        SessionKey v3SessionKey = SessionKeyDecryptor.decrypt(v3Message, seipd1Key, password.toCharArray());
        assertThat(v3SessionKey.symmetricAlgorithm()).as("in clear in the v3 X25519 PKESK").isIn(7, 9);
        assertThat(TestKeys.decryptWithSessionKey(v3Message, v3SessionKey)).isEqualTo(PLAINTEXT);

        Path plain = js.run(decryptWithSessionKeys(List.of("v6")), Map.of("msg_v6", message,
                "sk_v6", HexFormat.of().formatHex(sessionKey.key()).getBytes(StandardCharsets.US_ASCII),
                "alg_v6", TestKeys.utf8(sessionKey.symmetricAlgorithm() == 7 ? "aes128" : "aes256")));
        assertThat(PgpPeers.read(plain.resolve("plain_v6"))).isEqualTo(PLAINTEXT);

        // and our signature with the imported v6 key verifies in OpenPGP.js
        byte[] signature = DetachedSigner.sign(new ByteArrayInputStream(PLAINTEXT), secret, password.toCharArray(), false, false);
        Path verified = js.run("""
                const { signatures } = await openpgp.verify({ message: await openpgp.createMessage({ binary: read('data') }),
                    signature: await openpgp.readSignature({ binarySignature: read('sig') }),
                    verificationKeys: await openpgp.readKey({ armoredKey: text('pub') }), expectSigned: true });
                write('ok', String(await signatures[0].verified));
                """, Map.of("data", PLAINTEXT, "sig", signature, "pub", PgpPeers.read(out.resolve("v6.pub"))));
        assertThat(PgpPeers.read(verified.resolve("ok"))).isEqualTo(TestKeys.utf8("true"));
    }

    /** A script decrypting msg_ID with the hex session key sk_ID (algorithm alg_ID if given, else AES-256). */
    private static String decryptWithSessionKeys(List<String> ids) {
        return """
                const fromHex = (hex) => Uint8Array.from(hex.match(/../g).map((b) => parseInt(b, 16)));
                for (const id of %s) {
                  const algorithm = fs.existsSync(dir + '/alg_' + id) ? text('alg_' + id) : 'aes256';
                  const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ binaryMessage: read('msg_' + id) }),
                      sessionKeys: { data: fromHex(text('sk_' + id)), algorithm }, format: 'binary' });
                  write('plain_' + id, data);
                }
                """.formatted(jsArray(ids));
    }

    private static String jsArray(List<String> values) {
        return "[" + String.join(",", values.stream().map(v -> "'" + v + "'").toList()) + "]";
    }
}
