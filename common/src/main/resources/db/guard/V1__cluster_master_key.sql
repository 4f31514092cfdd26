-- Fingerprints (one-way HKDF commitments, never the keys) of the cluster's master keys.
-- 'guard init' inserts key 1; every node checks its oxguardpass against these rows at startup.
-- A row per key id, so a rotation can register a second key while data sealed under the first
-- still opens.
CREATE TABLE guard_master_key (
    key_id      INT UNSIGNED NOT NULL,
    fingerprint CHAR(64)     NOT NULL,
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (key_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
