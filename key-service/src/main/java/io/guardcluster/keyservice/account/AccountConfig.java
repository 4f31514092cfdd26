package io.guardcluster.keyservice.account;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Guard passwords and password recovery. */
public interface AccountConfig {

    /**
     * Argon2id cost of the Guard password hash, and password rules. The default is OWASP's minimum
     * recommendation for Argon2id (19 MiB, 2 iterations, 1 lane): about 22 ms on one core here, so a
     * replica checks ~45 passwords/s per core. Raise it when the hardware allows; existing wraps keep
     * their own cost until the password next changes.
     */
    @ConfigMapping(prefix = "guard.password")
    interface Password {
        /** Argon2id memory in KiB. */
        @WithDefault("19456")
        int memoryKib();

        /** Argon2id iterations (passes over memory). */
        @WithDefault("2")
        int iterations();

        /** Argon2id lanes. */
        @WithDefault("1")
        int parallelism();

        /** Shortest Guard password accepted. */
        @WithDefault("8")
        int minLength();

        /** Longest Guard password accepted (bounds the hashing work an attacker can ask for). */
        @WithDefault("256")
        int maxLength();

        /** Length of the temporary password a reset mails out (letters and digits). */
        @WithDefault("16")
        int temporaryLength();

        default PasswordWrap.Cost cost() {
            return new PasswordWrap.Cost(memoryKib(), iterations(), parallelism());
        }
    }

    /** Password recovery (OX Guard semantics). */
    @ConfigMapping(prefix = "guard.recovery")
    interface Recovery {
        /**
         * Keep recovery data (the key-protection secret sealed with the master key) so a reset can
         * mail a temporary password. {@code false} is OX Guard's "norecovery": nothing is kept, and a
         * forgotten password means the keys are lost for good.
         */
        @WithDefault("true")
        boolean enabled();

        /** Sender address of reset mails. */
        @WithDefault("guard@localhost")
        String mailFrom();

        /** Subject of reset mails. */
        @WithDefault("Your temporary Guard password")
        String mailSubject();

        /** Product name in the reset mail's text. */
        Optional<String> productName();

        /**
         * At most one password reset per user in this time: every reset mails a new temporary password and
         * replaces the password, so someone holding the user's session could otherwise flood the recovery mailbox
         * and keep the user out. Asking again sooner is a 429 with {@code Retry-After}.
         */
        @WithDefault("15m")
        Duration resetInterval();
    }

    /** Unlocking private keys: remembered unlocks and the lockout after failed attempts. */
    @ConfigMapping(prefix = "guard.unlock")
    interface Unlock {
        /** How long an unlock token ("remember password") lives when the request does not say. */
        @WithDefault("PT10M")
        Duration rememberDefault();

        /** The longest an unlock token may live, whatever the request asks. */
        @WithDefault("PT60M")
        Duration rememberMax();

        /** Wrong passwords in a row (cluster-wide) before the user's keys are locked. */
        @WithDefault("5")
        int maxFailures();

        /** How long keys stay locked after too many wrong passwords. */
        @WithDefault("PT15M")
        Duration lockout();
    }
}
