-- filestore-service: encrypted files (OX Guard's encrypted Drive files). The file's bytes live in the shared
-- storage (NAS directory or S3 bucket) under guard_file.location; this table is the only way to them. See
-- filestore-service/README.md.

-- One row per file. A row is written 'pending' before its object is written and becomes 'ready' only once the
-- object is complete in storage, in one UPDATE; only ready rows are ever shown. The cleanup removes pending rows
-- older than guard.files.pending-lifetime together with whatever their upload left in storage, so a crash or
-- an abort mid-upload leaves neither a visible half file nor a row pointing nowhere.
CREATE TABLE guard_file (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    -- The public id (random, 26 characters of Crockford base32): what the API shows; rows are never enumerable.
    file_id          CHAR(26)      NOT NULL,
    owner_context    INT UNSIGNED  NOT NULL,
    owner_user       INT UNSIGNED  NOT NULL,
    name             VARCHAR(255)  NOT NULL,
    content_type     VARCHAR(255)  NOT NULL,
    -- encrypted: Guard encrypted it; its object holds the OpenPGP message's encrypted data packet, and every
    --            recipient's encrypted session-key packet is a guard_file_recipient row (sharing adds a row,
    --            never re-encrypts the object);
    -- as-is:     uploaded already encrypted (.pgp/.gpg), stored byte for byte, session-key packets included;
    -- plain:     a decrypted copy the owner asked for ("remove encryption").
    form             VARCHAR(16)   NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    -- Plaintext bytes (NULL for as-is files: not known without decrypting them).
    size             BIGINT UNSIGNED NULL,
    -- Bytes of the stored object, and its SHA-256 (hex), recorded while it was written.
    stored_size      BIGINT UNSIGNED NULL,
    stored_sha256    CHAR(64)      NULL,
    -- The object's key in the storage backend.
    location         VARCHAR(128)  NOT NULL,
    created_at       TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY guard_file_public_id (file_id),
    KEY guard_file_owner (owner_context, owner_user, state),
    KEY guard_file_state (state, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Who can decrypt an encrypted file: one row per recipient key, with that key's encrypted session-key packet.
-- The owner is a recipient too. A recipient who is a Guard user reads the file through the API (matched by the
-- address the gateway vouches for); any recipient can decrypt the raw download with their own key.
CREATE TABLE guard_file_recipient (
    file_row         BIGINT UNSIGNED NOT NULL,
    -- Lower-cased address the key was looked up for.
    email            VARCHAR(320)  NOT NULL,
    key_fingerprint  VARCHAR(64)   NOT NULL,
    -- The binary PKESK packet (a few hundred bytes) that wraps the file's session key for this key.
    esk_packet       BLOB          NOT NULL,
    added_at         TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (file_row, key_fingerprint),
    KEY guard_file_recipient_email (email),
    CONSTRAINT guard_file_recipient_file FOREIGN KEY (file_row) REFERENCES guard_file (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
