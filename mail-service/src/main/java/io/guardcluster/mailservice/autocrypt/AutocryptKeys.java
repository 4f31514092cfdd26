package io.guardcluster.mailservice.autocrypt;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.jboss.logging.Logger;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.mailservice.config.MailConfig;
import io.guardcluster.mailservice.mime.AutocryptHeader;
import io.guardcluster.mailservice.mime.MimePart;
import io.guardcluster.mailservice.pgp.SenderKeys;
import io.guardcluster.mailservice.read.MailView;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Autocrypt (Level 1) on the reading side: a sender's {@code Autocrypt:} header (only one whose addr is the From
 * address, as the spec requires; the parser checks that) offers their key. When the reader has no key of that sender
 * yet and the deployment allows it, the key goes into the reader's keyring, so the next mail to that sender can be
 * encrypted. A key the reader already has is left alone: replacing keys on the word of an unauthenticated header is
 * how Autocrypt can be abused, and key changes are the user's decision.
 */
@ApplicationScoped
public class AutocryptKeys {

    private static final Logger LOG = Logger.getLogger(AutocryptKeys.class);

    private final KeyServiceClient keys;
    private final MailConfig config;
    private final MeterRegistry meters;

    AutocryptKeys(KeyServiceClient keys, MailConfig config, MeterRegistry meters) {
        this.keys = keys;
        this.config = config;
        this.meters = meters;
    }

    /** What the message's Autocrypt header offered, and whether it was imported now; never fails the read. */
    public Uni<Optional<MailView.Autocrypt>> consider(InternalIdentity reader, MimePart message, SenderKeys known) {
        Optional<AutocryptHeader> header = AutocryptHeader.fromMessage(message);
        if (header.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        PGPPublicKeyRing offered;
        try {
            offered = new PGPPublicKeyRing(header.get().keyData(), new BcKeyFingerprintCalculator());
        } catch (java.io.IOException | RuntimeException e) {
            return Uni.createFrom().item(Optional.empty()); // keydata that is no key: nothing offered
        }
        String fingerprint = java.util.HexFormat.of().withUpperCase().formatHex(offered.getPublicKey().getFingerprint());
        boolean alreadyKnown = known.find(offered.getPublicKey().getKeyID()).isPresent();
        if (alreadyKnown || !config.autocrypt().importKeys() || !known.email().isEmpty() && known.hasUsableKey()
                || reader.email().equalsIgnoreCase(header.get().addr())) {
            return Uni.createFrom().item(Optional.of(new MailView.Autocrypt(fingerprint, false)));
        }
        return keys.importKeyring(reader, header.get().keyData())
                .map(done -> {
                    meters.counter("guard.mail.autocrypt.imported").increment();
                    return Optional.of(new MailView.Autocrypt(fingerprint, true));
                })
                .onFailure().recoverWithItem(e -> {
                    // e.g. a key key-service's policy refuses (weak, expired): offered, not imported
                    LOG.debugf("Autocrypt key %s not imported: %s", fingerprint, e.getClass().getSimpleName());
                    return Optional.of(new MailView.Autocrypt(fingerprint, false));
                });
    }
}
