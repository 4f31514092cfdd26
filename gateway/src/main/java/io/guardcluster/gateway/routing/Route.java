package io.guardcluster.gateway.routing;

/**
 * One entry of the routing table: requests whose path starts with {@code prefix} go to
 * {@code service}. Public routes (directory, guest links) need no groupware session. A route without
 * a service is closed: the services' internal APIs are for each other, never reachable from outside.
 *
 * @param limit which rate limit applies, if any
 */
public record Route(String prefix, String service, boolean open, RateLimited limit) {

    /** A prefix the gateway never forwards (a service-to-service API). */
    public static Route closed(String prefix) {
        return new Route(prefix, null, false, RateLimited.NONE);
    }

    public boolean isClosed() {
        return service == null;
    }

    /** Request classes with their own rate limits. */
    public enum RateLimited {
        NONE, UNLOCK, DIRECTORY
    }
}
