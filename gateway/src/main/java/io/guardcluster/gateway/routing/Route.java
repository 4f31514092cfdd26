package io.guardcluster.gateway.routing;

/**
 * One entry of the routing table: requests whose path starts with {@code prefix} go to
 * {@code service}. Public routes (directory, guest links) need no groupware session.
 *
 * @param limit which rate limit applies, if any
 */
public record Route(String prefix, String service, boolean open, RateLimited limit) {

    /** Request classes with their own rate limits. */
    public enum RateLimited {
        NONE, UNLOCK, DIRECTORY
    }
}
