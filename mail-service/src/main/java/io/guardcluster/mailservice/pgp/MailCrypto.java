package io.guardcluster.mailservice.pgp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.openpgp.PGPPublicKey;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.common.pgp.message.DecryptingInputStream;
import io.guardcluster.common.pgp.message.EncryptingOutputStream;
import io.guardcluster.common.pgp.message.LiteralHeader;
import io.guardcluster.common.pgp.message.MessageDecryptor;
import io.guardcluster.common.pgp.message.MessageEncryptor;
import io.guardcluster.common.pgp.message.MessageFormatException;
import io.guardcluster.common.pgp.message.SessionKey;
import io.guardcluster.common.pgp.message.SignatureCheck;
import io.guardcluster.common.pgp.message.SplitMessage;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.config.MailConfig;
import io.guardcluster.mailservice.mime.Armor;
import io.guardcluster.mailservice.mime.MimeFormatException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The OpenPGP work on mail bodies: decrypting an encrypted part (the session key from key-service, the bulk
 * decryption here, signatures inside checked as it streams) and encrypting one (to the recipients' keys, optionally
 * signed by key-service). Private keys never come here. The CPU work runs on worker threads, never on the event loop.
 */
@ApplicationScoped
public class MailCrypto {

    /** A decrypted part: its plaintext (never stored), the literal data header and the signatures inside. */
    public record Opened(byte[] plaintext, LiteralHeader literal, List<SignatureCheck> signatures) {
        @Override
        public String toString() {
            return "Opened[" + plaintext.length + " bytes, redacted]";
        }
    }

    private final KeyServiceClient keys;
    private final MailConfig config;
    // Built once: the bulk crypto's latency and volume (Prometheus: guard_mail_crypto_seconds, guard_mail_crypto_bytes).
    private final Timer decryptTime;
    private final Timer encryptTime;
    private final DistributionSummary decryptedBytes;
    private final DistributionSummary encryptedBytes;

    MailCrypto(KeyServiceClient keys, MailConfig config, MeterRegistry meters) {
        this.keys = keys;
        this.config = config;
        this.decryptTime = Timer.builder("guard.mail.crypto").tag("operation", "decrypt")
                .description("bulk decryption and signature check of one mail part (not the session key)").register(meters);
        this.encryptTime = Timer.builder("guard.mail.crypto").tag("operation", "encrypt")
                .description("bulk encryption of one mail part").register(meters);
        this.decryptedBytes = DistributionSummary.builder("guard.mail.crypto.bytes").tag("operation", "decrypt")
                .baseUnit("bytes").register(meters);
        this.encryptedBytes = DistributionSummary.builder("guard.mail.crypto.bytes").tag("operation", "encrypt")
                .baseUnit("bytes").register(meters);
    }

    /**
     * Decrypts an OpenPGP message (armored or binary) for {@code user}, checking the signatures inside with the
     * sender's keys (looked up while key-service decrypts the session key). Every decryption failure is the one
     * {@link CannotDecryptException}; key-service's other answers (wrong password, locked, unavailable) pass on.
     */
    public Uni<Opened> decrypt(InternalIdentity user, byte[] message, KeyServiceClient.Unlock unlock,
            Uni<SenderKeys> sender) {
        SplitMessage split;
        try {
            // Armor is decoded here in one pass (the JDK's base64), not by the byte-at-a-time armor reader inside
            // SplitMessage, which cost more than half of a large mail's read. Only the bounded header is read now
            // (the session-key packets); the body is decrypted on a worker.
            byte[] binary = Armor.label(message).isPresent() ? Armor.decode(message) : message;
            split = SplitMessage.read(new ByteArrayInputStream(binary));
        } catch (MessageFormatException | IOException | MimeFormatException e) {
            return Uni.createFrom().failure(new CannotDecryptException());
        }
        Uni<KeyServiceClient.SessionKey> sessionKey = keys.sessionKey(user, split.sessionKeys().encoded(), unlock)
                .onFailure(MailCrypto::undecryptable).transform(e -> new CannotDecryptException());
        Uni<SenderKeys> signers = sender.onFailure().recoverWithItem(SenderKeys.NONE);
        return Uni.combine().all().unis(sessionKey, signers).asTuple()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(both -> open(split, both.getItem1(), both.getItem2()));
    }

    private Opened open(SplitMessage split, KeyServiceClient.SessionKey answer, SenderKeys signers) {
        Timer.Sample sample = Timer.start();
        try (SessionKey sessionKey = SessionKey.copyOf(answer.algorithm(), answer.key());
                DecryptingInputStream in = MessageDecryptor.create().decrypt(split.body(), sessionKey, signers)) {
            answer.wipe();
            long limit = config.maxDecryptedSize();
            byte[] plaintext = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (plaintext.length > limit) {
                throw new GuardProblemException(422, "message-too-large", "Unprocessable content",
                        "the decrypted message is larger than this service reads (" + limit + " bytes)");
            }
            if (in.read() != -1 || !in.verified()) {
                throw new CannotDecryptException(); // cannot happen: readNBytes stopped short of the limit
            }
            Opened opened = new Opened(plaintext, in.literal(), in.signatures());
            sample.stop(decryptTime);
            decryptedBytes.record(plaintext.length);
            return opened;
        } catch (MessageFormatException | IOException e) {
            // MessageIntegrityException is an IOException: damaged, changed or not ours, all the same answer.
            throw new CannotDecryptException();
        }
    }

    /** key-service's answers that mean "this message does not decrypt", as opposed to "try again" or "wrong password". */
    private static boolean undecryptable(Throwable e) {
        return e instanceof GuardProblemException problem
                && (problem.slug().equals(CannotDecryptException.SLUG) || problem.slug().equals("invalid-session-key-packets"));
    }

    /**
     * Encrypts {@code plaintext} to {@code recipients} as one ASCII-armored message (RFC 3156 and inline PGP both
     * carry it armored): SEIPD with MDC, AES-256, no compression. {@code signaturePackets} (binary, may be null) go
     * inside before the data, making a signed message.
     */
    public byte[] encryptArmored(List<PGPPublicKey> recipients, byte[] plaintext, byte[] signaturePackets) {
        Timer.Sample sample = Timer.start();
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(plaintext.length + 1024);
            EncryptingOutputStream stream = MessageEncryptor.create().encrypt(recipients, "", null, signaturePackets, body);
            try (stream) {
                stream.write(plaintext);
            } finally {
                stream.sessionKey().destroy();
            }
            ByteArrayOutputStream armored = new ByteArrayOutputStream(body.size() * 4 / 3 + 1024);
            try (OutputStream out = ArmoredOutputStream.builder().clearHeaders().build(armored)) {
                out.write(stream.sessionKeys().encoded());
                body.writeTo(out);
            }
            sample.stop(encryptTime);
            encryptedBytes.record(plaintext.length);
            return armored.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("encrypting in memory failed", e);
        }
    }
}
