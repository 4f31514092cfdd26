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

        /** How long a guest's reading session lasts (and the key-service unlock token inside it). */
        @WithDefault("30M")
        Duration sessionLifetime();

        /** Wrong passwords or PINs for one link before it is locked (key-service also locks the guest account). */
        @WithDefault("5")
        int maxFailedAttempts();

        /** How long a link stays locked after {@link #maxFailedAttempts()} wrong tries (423 with Retry-After). */
        @WithDefault("15M")
        Duration lockout();

        /** How often expired guest messages are removed (file in filestore-service, then the row). */
        @WithDefault("15M")
        Duration cleanupInterval();
    }

    /** Where guests' replies are sent: the groupware's mail system by SMTP (guests have no groupware session). */
    Smtp smtp();

    interface Smtp {
        /** The SMTP server (the groupware's MTA); defaults to {@code quarkus.mailer.host}. */
        @WithDefault("${quarkus.mailer.host:127.0.0.1}")
        String host();

        /** Its port; defaults to {@code quarkus.mailer.port}. */
        @WithDefault("${quarkus.mailer.port:25}")
        int port();

        /** The longest one delivery may take. */
        @WithDefault("30s")
        Duration timeout();

        /** The name this service gives in EHLO. */
        @WithDefault("guard-mail-service")
        String heloName();
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
