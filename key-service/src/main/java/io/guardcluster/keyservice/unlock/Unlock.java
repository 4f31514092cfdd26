package io.guardcluster.keyservice.unlock;

/**
 * How a request unlocks the user's private keys: the Guard password, or an unlock token from an
 * earlier {@code POST /api/keys/unlock}. Exactly one is needed.
 */
public record Unlock(String password, String unlockToken) {

    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    public boolean hasToken() {
        return unlockToken != null && !unlockToken.isEmpty();
    }

    @Override
    public String toString() {
        return "Unlock[redacted]";
    }
}
