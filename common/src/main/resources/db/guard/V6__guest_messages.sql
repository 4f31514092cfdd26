-- mail-service: guest messages. A Guard user's encrypted mail to an address without any key goes to a guest account
-- (V4, key-service); the guest's copy of the mail is a file in filestore-service (encrypted to the sender and the
-- guest's key), and this table is the link from the notification mail to it. See mail-service/README.md "Guests".

-- One row per guest copy (one per guest recipient of a mail). Rows are written only after the file is stored and
-- removed (file first, then row) when they expire; a row never points at a file that was never stored.
CREATE TABLE guard_guest_message (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    -- SHA-256 of the random link token in the notification mail. The token itself is never stored: the database
    -- alone does not open a link.
    token_sha256      BINARY(32)    NOT NULL,
    -- The guest's copy in filestore-service (its public file id), owned by the sender, shared with the guest.
    file_id           VARCHAR(64)   NOT NULL,
    -- The guest account (key-service: context 0, guard_guest.user_id) and its address, lower-cased.
    guest_user        INT UNSIGNED  NOT NULL,
    guest_email       VARCHAR(320)  NOT NULL,
    -- Who wrote: the file is deleted as this user, the guest's reply goes to this address.
    sender_context    INT UNSIGNED  NOT NULL,
    sender_user       INT UNSIGNED  NOT NULL,
    sender_email      VARCHAR(320)  NOT NULL,
    -- The mail's Message-ID (the reply's In-Reply-To).
    message_id        VARCHAR(998)  NOT NULL,
    -- With guard.mail.guests.pin: the PIN, sealed with the cluster master key (purpose guest-pin); NULL without.
    pin_sealed        VARBINARY(128) NULL,
    -- Wrong passwords or PINs given for this link since the last success or lockout; at the limit the link is
    -- locked until locked_until (key-service also counts wrong passwords per guest account).
    failed_attempts   INT UNSIGNED  NOT NULL DEFAULT 0,
    locked_until      TIMESTAMP(3)  NULL,
    created_at        TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    expires_at        TIMESTAMP(3)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY guard_guest_message_token (token_sha256),
    KEY guard_guest_message_expiry (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
