package io.guardcluster.gateway.session;

/** Who a valid groupware session belongs to, as the backend told us. */
public record GroupwareUser(int contextId, int userId, String email) {

    /** The cache's value form: no session id, no cookie, nothing secret. */
    String encode() {
        return contextId + "\n" + userId + "\n" + email;
    }

    static GroupwareUser decode(String value) {
        String[] parts = value.split("\n", 3);
        return new GroupwareUser(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), parts[2]);
    }
}
