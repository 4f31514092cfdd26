package io.guardcluster.keyservice.directory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.X25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.X25519KeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyGenerator;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.testing.TestCluster;
import io.guardcluster.testing.TestUsers;

/**
 * Keys the key API cannot make, written straight into the shared test database (guard_user,
 * guard_key, guard_key_id, guard_key_email rows): v6 keys, a revoked key that is still current,
 * another user's key claiming someone's address, exact creation times. The HKP and WKD tests use it
 * for those edge cases; {@link DirectoryGnuPgTest} makes its keys through the API instead.
 */
final class DirectoryFixture {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private DirectoryFixture() {
    }

    /** A key as stored: ids in the schema's upper-case hex, creation time in epoch seconds, the public key bytes. */
    record StoredKey(long row, int version, String fingerprint, String keyId, String subkeyFingerprint, String subkeyId,
            long created, byte[] publicKey) {
    }

    /** A fresh Guard user ({@code <localPart>.<n>@example.com}) with a guard_user row. */
    static InternalIdentity user(String localPart) {
        return user(TestUsers.fresh(localPart));
    }

    /** A fresh Guard user with the primary address {@code localPart.<n>@domain}. */
    static InternalIdentity userIn(String localPart, String domain) {
        InternalIdentity fresh = TestUsers.fresh(localPart);
        String email = fresh.email().substring(0, fresh.email().indexOf('@') + 1) + domain;
        return user(new InternalIdentity(fresh.contextId(), fresh.userId(), email, fresh.expiresAt()));
    }

    private static InternalIdentity user(InternalIdentity user) {
        update("INSERT INTO guard_user (context_id, user_id, email) VALUES (?, ?, ?)", user.contextId(), user.userId(),
                user.email().toLowerCase(Locale.ROOT));
        return user;
    }

    /**
     * A v4 key (EdDSA legacy/Ed25519 primary, ECDH/Cv25519 subkey) with the given user IDs (the
     * first is primary), stored for {@code owner}; with a key revocation signature if {@code revoked}.
     */
    static StoredKey v4Key(InternalIdentity owner, boolean current, boolean revoked, String... userIds) {
        try {
            Date created = Date.from(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
            Ed25519KeyPairGenerator ed = new Ed25519KeyPairGenerator();
            ed.init(new Ed25519KeyGenerationParameters(RANDOM));
            X25519KeyPairGenerator x = new X25519KeyPairGenerator();
            x.init(new X25519KeyGenerationParameters(RANDOM));
            PGPKeyPair primary = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.EDDSA_LEGACY,
                    ed.generateKeyPair(), created);
            PGPKeyPair subkey = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, PublicKeyAlgorithmTags.ECDH,
                    x.generateKeyPair(), created);

            PGPKeyRingGenerator generator = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary,
                    userIds[0], new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
                    certification(primary.getPublicKey(), true), null, signer(), null);
            PGPSignatureSubpacketGenerator binding = new PGPSignatureSubpacketGenerator();
            binding.setKeyFlags(true, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
            binding.setIssuerFingerprint(false, primary.getPublicKey());
            generator.addSubKey(subkey, binding.generate(), null);
            PGPPublicKeyRing ring = generator.generatePublicKeyRing();

            PGPPublicKey key = ring.getPublicKey();
            for (int i = 1; i < userIds.length; i++) {
                PGPSignatureGenerator certifier = new PGPSignatureGenerator(signer(), key);
                certifier.init(PGPSignature.POSITIVE_CERTIFICATION, primary.getPrivateKey());
                certifier.setHashedSubpackets(certification(key, false));
                key = PGPPublicKey.addCertification(key, userIds[i], certifier.generateCertification(userIds[i], key));
            }
            if (revoked) {
                PGPSignatureGenerator revoker = new PGPSignatureGenerator(signer(), key);
                revoker.init(PGPSignature.KEY_REVOCATION, primary.getPrivateKey());
                PGPSignatureSubpacketGenerator reason = new PGPSignatureSubpacketGenerator();
                reason.setRevocationReason(false, RevocationReasonTags.KEY_SUPERSEDED, "replaced by a new key");
                reason.setIssuerFingerprint(false, key);
                revoker.setHashedSubpackets(reason.generate());
                key = PGPPublicKey.addCertification(key, revoker.generateCertification(key));
            }
            ring = PGPPublicKeyRing.insertPublicKey(ring, key);
            return store(owner, ring, current, revoked, "ed25519/cv25519");
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("cannot make a test key", e);
        }
    }

    /** A v6 key (Ed25519 primary, X25519 subkey) with one user ID, stored for {@code owner}. */
    static StoredKey v6Key(InternalIdentity owner, boolean current, String userId) {
        try {
            OpenPGPKey key = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), false,
                    Date.from(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)))
                    .ed25519x25519Key(userId).build();
            return store(owner, key.getPGPPublicKeyRing(), current, false, "ed25519/x25519");
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("cannot make a test key", e);
        }
    }

    private static BcPGPContentSignerBuilder signer() {
        return new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA512);
    }

    private static PGPSignatureSubpacketVector certification(PGPPublicKey key, boolean primaryUserId) {
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
        hashed.setPreferredHashAlgorithms(false, new int[] { HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA256 });
        hashed.setPreferredSymmetricAlgorithms(false, new int[] { SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128 });
        hashed.setIssuerFingerprint(false, key);
        if (primaryUserId) {
            hashed.setPrimaryUserID(false, true);
        }
        return hashed.generate();
    }

    /** Writes the rows key generation/import will write: the key, every (sub)key id, the user IDs' addresses. */
    private static StoredKey store(InternalIdentity owner, PGPPublicKeyRing ring, boolean current, boolean revoked,
            String algorithm) throws IOException {
        PGPPublicKey primary = ring.getPublicKey();
        byte[] publicKey = ring.getEncoded(true);
        List<PGPPublicKey> keys = new ArrayList<>();
        ring.getPublicKeys().forEachRemaining(keys::add);
        PGPPublicKey subkey = keys.size() > 1 ? keys.get(1) : primary;
        Set<String> addresses = new LinkedHashSet<>();
        for (Iterator<String> it = primary.getUserIDs(); it.hasNext();) {
            MailAddress.fromUserId(it.next()).ifPresent(addresses::add);
        }
        try (Connection c = TestCluster.get().database().connect()) {
            long row;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO guard_key (context_id, user_id, fingerprint,"
                    + " key_id, key_version, algorithm, is_current, public_key, secret_key, created_at, revoked_at,"
                    + " revocation_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                insert.setInt(1, owner.contextId());
                insert.setInt(2, owner.userId());
                insert.setString(3, fingerprint(primary));
                insert.setString(4, keyId(primary));
                insert.setInt(5, primary.getVersion());
                insert.setString(6, algorithm);
                insert.setObject(7, current ? Boolean.TRUE : null);
                insert.setBytes(8, publicKey);
                // The directory never reads secret keys; real rows hold the S2K-protected secret key.
                insert.setBytes(9, "not used by the directory".getBytes(StandardCharsets.US_ASCII));
                insert.setTimestamp(10, Timestamp.from(primary.getCreationTime().toInstant()));
                insert.setTimestamp(11, revoked ? Timestamp.from(Instant.now()) : null);
                insert.setString(12, revoked ? "superseded" : null);
                insert.executeUpdate();
                try (ResultSet generated = insert.getGeneratedKeys()) {
                    generated.next();
                    row = generated.getLong(1);
                }
            }
            for (PGPPublicKey k : keys) {
                update(c, "INSERT INTO guard_key_id (key_id, fingerprint, key_row) VALUES (?, ?, ?)", keyId(k), fingerprint(k), row);
            }
            for (String address : addresses) {
                update(c, "INSERT INTO guard_key_email (email, key_row) VALUES (?, ?)", address, row);
            }
            return new StoredKey(row, primary.getVersion(), fingerprint(primary), keyId(primary), fingerprint(subkey),
                    keyId(subkey), primary.getCreationTime().toInstant().getEpochSecond(), publicKey);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store a test key", e);
        }
    }

    /** Makes {@code key} the owner's current key (and no other). */
    static void makeCurrent(InternalIdentity owner, StoredKey key) {
        update("UPDATE guard_key SET is_current = NULL WHERE context_id = ? AND user_id = ?", owner.contextId(), owner.userId());
        update("UPDATE guard_key SET is_current = TRUE WHERE id = ?", key.row());
    }

    static String fingerprint(PGPPublicKey key) {
        return HEX.formatHex(key.getFingerprint());
    }

    static String keyId(PGPPublicKey key) {
        return String.format("%016X", key.getKeyID());
    }

    /** The keys in an armored block or binary key data, primary key first in each. */
    static List<PGPPublicKeyRing> read(byte[] data) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
            List<PGPPublicKeyRing> rings = new ArrayList<>();
            new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator()).forEach(rings::add);
            return rings;
        } catch (IOException | PGPException e) {
            throw new IllegalStateException("not OpenPGP public keys", e);
        }
    }

    private static void update(String sql, Object... args) {
        try (Connection c = TestCluster.get().database().connect()) {
            update(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            statement.executeUpdate();
        }
    }
}
