-- key-service directory (WKD): find a user by the WKD hash of their primary address without
-- enumerating users. A WKD request names only the domain and the SHA-1 of the lower-cased local
-- part (z-base-32 in the URL, 20 bytes here); the l= parameter that carries the local part itself is
-- optional and old clients leave it off. Both columns are computed by the database from
-- guard_user.email (already lower-cased), so whoever writes guard_user need not know about them.
-- The local part is everything before the last '@' (quoted local parts may contain '@').
ALTER TABLE guard_user
    ADD COLUMN wkd_domain VARCHAR(320)
        GENERATED ALWAYS AS (SUBSTRING_INDEX(email, '@', -1)) STORED,
    ADD COLUMN wkd_hash BINARY(20)
        GENERATED ALWAYS AS (UNHEX(SHA1(SUBSTRING(email, 1,
            CHAR_LENGTH(email) - CHAR_LENGTH(SUBSTRING_INDEX(email, '@', -1)) - 1)))) STORED,
    ADD KEY guard_user_wkd (wkd_domain, wkd_hash);
