package io.guardcluster.mailservice.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Reading and sending mail ({@code guard.mail.*}); the backend connection is {@code guard.backend.*}. */
@ConfigMapping(prefix = "guard.mail")
public interface MailConfig {

    /**
     * The most plaintext one encrypted mail (or part) may decrypt to. Decrypted content is held in memory while a
     * request reads it (never stored), so this bounds a request's memory; a compressed message cannot exceed it.
     */
    @WithDefault("67108864")
    long maxDecryptedSize();

    /** The largest mail (JSON or MIME, attachments included) a user may send. */
    @WithDefault("33554432")
    long maxSendSize();

    /** How a mail is sent when the request does not say: {@code pgp-mime} (RFC 3156) or {@code inline}. */
    @WithDefault("pgp-mime")
    String defaultFormat();

    /** The domain of the Message-IDs this service writes. */
    @WithDefault("guard.local")
    String messageIdDomain();

    /** Guests: recipients without any key. */
    Guests guests();

    /** Autocrypt (Level 1): offering our key in outgoing mail, taking senders' keys from incoming mail. */
    Autocrypt autocrypt();

    /** filestore-service, where guest messages are kept. */
    Filestore filestore();

    interface Filestore {
        /** The Stork service name of filestore-service ({@code quarkus.stork.<name>.service-discovery.*}). */
        @WithDefault("filestore-service")
        String serviceName();

        /** The longest one call may take. */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Guests {
        /** Whether mail to an address without any key goes to a guest account; off: such a recipient is refused. */
        @WithDefault("true")
        boolean enabled();

        /** How long a guest message is kept (OX Guard: guest data expiry). */
        @WithDefault("30D")
        Duration lifetime();

        /**
         * Whether the initial password is protected by a 4-digit PIN that the sender passes on by another channel
         * (OX Guard's {@code guard-pin}); the PIN is shown to the sender once.
         */
        @WithDefault("false")
        boolean pin();

        /** The public URL of the gateway, for the link in the guest's notification mail. */
        @WithDefault("http://127.0.0.1:8080")
        String publicUrl();
    }

    interface Autocrypt {
        /** Whether outgoing mail carries the sender's {@code Autocrypt:} header. */
        @WithDefault("true")
        boolean send();

        /** Whether a sender's key from an incoming {@code Autocrypt:} header goes into the reader's keyring. */
        @WithDefault("true")
        boolean importKeys();
    }
}
