-- When a password reset last mailed this user a temporary password, NULL if never. key-service allows one
-- reset per guard.recovery.reset-interval: a session in the wrong hands must not be able to flood the
-- recovery mailbox or keep replacing the password faster than the user can react.
ALTER TABLE guard_user ADD COLUMN password_reset_at TIMESTAMP(3) NULL;
