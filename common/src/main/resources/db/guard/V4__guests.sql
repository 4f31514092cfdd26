-- key-service: guests, external correspondents (no groupware account) whom Guard users write to and who have no
-- key of their own (OX Guard's "guest" accounts). A guest is an ordinary guard_user row, with keys and a Guard
-- password like anyone, in the reserved context 0: groupware contexts are numbered from 1, so a guest never shares
-- a (context_id, user_id) with a real user, and guard_user's unique email keeps one account per address, guest or
-- not. See key-service/README.md "Guests".

-- Guest user ids are handed out here: AUTO_INCREMENT never gives an id twice, even after a guest was deleted (so
-- nothing keyed by the id, such as an unlock token or a lockout counter, can outlive one guest into the next).
-- One row per id ever handed out, with who asked for it. A row without a guard_user (0, user_id) is an attempt
-- that lost a race for the same address or failed; it stays as the record of the attempt.
CREATE TABLE guard_guest (
    user_id            INT UNSIGNED  NOT NULL AUTO_INCREMENT,
    -- The guest's address, lower-cased (as in guard_user.email, which is the unique one).
    email              VARCHAR(320)  NOT NULL,
    -- The Guard user whose mail created the guest.
    invited_by_context INT UNSIGNED  NOT NULL,
    invited_by_user    INT UNSIGNED  NOT NULL,
    created_at         TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (user_id),
    KEY guard_guest_email (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
