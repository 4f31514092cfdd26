package io.guardcluster.common.identity;

import java.util.Locale;

/**
 * The one request an internal identity is good for: method, the replica's authority (host:port, as
 * the gateway addressed it and the service receives it in {@code Host}) and the path with query.
 * Binding the signature to these means a header captured on its way to one replica cannot be
 * replayed against another path or another replica; {@link ReplayGuard} stops a replay of the very
 * same request within the identity's short lifetime.
 */
public record RequestBinding(String method, String authority, String uri) {

    public RequestBinding {
        if (method == null || authority == null || uri == null) {
            throw new IllegalArgumentException("method, authority and uri are required");
        }
        method = method.toUpperCase(Locale.ROOT);
        authority = authority.toLowerCase(Locale.ROOT);
    }
}
