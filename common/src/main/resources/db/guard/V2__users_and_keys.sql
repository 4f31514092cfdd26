-- key-service: Guard users, their keys, and the public keys they collected from correspondents.
-- Every secret column holds ciphertext only; see key-service/README.md "How keys are protected".
-- Key times (created/expires/revoked) are DATETIME in UTC: OpenPGP expiry can lie beyond TIMESTAMP's 2038.

-- One row per groupware user (context id, user id) that has used Guard.
CREATE TABLE guard_user (
    context_id      INT UNSIGNED  NOT NULL,
    user_id         INT UNSIGNED  NOT NULL,
    -- Primary address, lower-cased: the directory (HKP, WKD) answers for it.
    email           VARCHAR(320)  NOT NULL,
    -- The user's random key-protection secret, wrapped under an Argon2id hash of the Guard password.
    -- NULL until the user has set a password (first key generation or import sets it).
    password_wrap   VARBINARY(255) NULL,
    -- The same secret sealed with the master key (purpose "recovery"), or NULL: recovery disabled for
    -- the deployment or deleted by the user, and then nobody can unlock the keys without the password.
    recovery        VARBINARY(255) NULL,
    -- Where a password reset mails the temporary password (OX Guard's "secondary address"); NULL: the
    -- primary address.
    recovery_email  VARCHAR(320)  NULL,
    -- Set by a password reset: the user must choose a new password.
    password_temporary BOOLEAN    NOT NULL DEFAULT FALSE,
    -- Optimistic concurrency: every change to the row bumps it and checks the old value.
    revision        INT UNSIGNED  NOT NULL DEFAULT 0,
    created_at      TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at      TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (context_id, user_id),
    UNIQUE KEY guard_user_email (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The users' own keys (key pairs). Exactly one row per user has is_current = TRUE once they have keys.
CREATE TABLE guard_key (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    context_id      INT UNSIGNED  NOT NULL,
    user_id         INT UNSIGNED  NOT NULL,
    -- Upper-case hex: 40 digits for v4, 64 for v6.
    fingerprint     VARCHAR(64)   NOT NULL,
    -- Upper-case hex of the 64-bit key id of the primary key.
    key_id          CHAR(16)      NOT NULL,
    key_version     TINYINT UNSIGNED NOT NULL,
    algorithm       VARCHAR(32)   NOT NULL,
    -- NULL for all but the current key; a unique index over (context_id, user_id, is_current) then
    -- allows exactly one current key per user (NULLs never collide).
    is_current      BOOLEAN       NULL,
    -- Binary transferable public key, including any revocation signature (what the directory serves).
    public_key      MEDIUMBLOB    NOT NULL,
    -- Binary transferable secret key; every secret part is S2K-protected under the user's
    -- key-protection secret, never stored in the clear.
    secret_key      MEDIUMBLOB    NOT NULL,
    created_at      DATETIME(3)   NOT NULL,
    expires_at      DATETIME(3)   NULL,
    revoked_at      DATETIME(3)   NULL,
    revocation_reason VARCHAR(255) NULL,
    added_at        TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY guard_key_fingerprint (fingerprint),
    UNIQUE KEY guard_key_current (context_id, user_id, is_current),
    KEY guard_key_user (context_id, user_id),
    CONSTRAINT guard_key_owner FOREIGN KEY (context_id, user_id) REFERENCES guard_user (context_id, user_id)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every (sub)key id of the users' own keys: session-key decryption finds the private key by the key id
-- in an encrypted session-key packet, and HKP finds keys by any of their ids.
CREATE TABLE guard_key_id (
    key_id          CHAR(16)      NOT NULL,
    fingerprint     VARCHAR(64)   NOT NULL,
    key_row         BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (key_id, key_row),
    KEY guard_key_id_fingerprint (fingerprint),
    CONSTRAINT guard_key_id_key FOREIGN KEY (key_row) REFERENCES guard_key (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The e-mail addresses in the user IDs of the users' own keys (lower-cased), for exact-address lookups.
CREATE TABLE guard_key_email (
    email           VARCHAR(320)  NOT NULL,
    key_row         BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (email, key_row),
    CONSTRAINT guard_key_email_key FOREIGN KEY (key_row) REFERENCES guard_key (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Public keys of correspondents a user imported into their own keyring (never published).
CREATE TABLE guard_keyring_key (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    context_id      INT UNSIGNED  NOT NULL,
    user_id         INT UNSIGNED  NOT NULL,
    fingerprint     VARCHAR(64)   NOT NULL,
    key_id          CHAR(16)      NOT NULL,
    key_version     TINYINT UNSIGNED NOT NULL,
    algorithm       VARCHAR(32)   NOT NULL,
    public_key      MEDIUMBLOB    NOT NULL,
    created_at      DATETIME(3)   NOT NULL,
    expires_at      DATETIME(3)   NULL,
    revoked_at      DATETIME(3)   NULL,
    added_at        TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY guard_keyring_user_fingerprint (context_id, user_id, fingerprint),
    CONSTRAINT guard_keyring_owner FOREIGN KEY (context_id, user_id) REFERENCES guard_user (context_id, user_id)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE guard_keyring_email (
    email           VARCHAR(320)  NOT NULL,
    keyring_row     BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (email, keyring_row),
    CONSTRAINT guard_keyring_email_key FOREIGN KEY (keyring_row) REFERENCES guard_keyring_key (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
