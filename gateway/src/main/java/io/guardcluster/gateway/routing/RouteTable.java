package io.guardcluster.gateway.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.guardcluster.gateway.routing.Route.RateLimited;

/**
 * Where each public path goes. Longest prefix wins, so a more specific route (the unlock call, a
 * closed internal API) can sit inside a general one (the key API). Anything else is not the gateway's: 404.
 */
public final class RouteTable {

    public static final String KEY_SERVICE = "key-service";
    public static final String MAIL_SERVICE = "mail-service";
    public static final String FILESTORE_SERVICE = "filestore-service";

    /** The table of this version; later issues add paths under the same prefixes. */
    public static final RouteTable DEFAULT = new RouteTable(List.of(
            new Route("/api/keys/unlock", KEY_SERVICE, false, RateLimited.UNLOCK),
            // Session keys, signatures and recipients' keys are for mail-service and filestore-service.
            Route.closed("/api/keys/internal/"),
            new Route("/api/keys/", KEY_SERVICE, false, RateLimited.NONE),
            new Route("/pks/", KEY_SERVICE, true, RateLimited.DIRECTORY),
            new Route("/.well-known/openpgpkey/", KEY_SERVICE, true, RateLimited.DIRECTORY),
            new Route("/api/mail/", MAIL_SERVICE, false, RateLimited.NONE),
            new Route("/api/guest/", MAIL_SERVICE, true, RateLimited.NONE),
            new Route("/api/files/", FILESTORE_SERVICE, false, RateLimited.NONE)));

    private final List<Route> routes;

    public RouteTable(List<Route> routes) {
        this.routes = routes.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed()).toList();
    }

    /** The route for {@code path}; empty if none or a closed one. {@code /api/keys} matches {@code /api/keys/}. */
    public Optional<Route> match(String path) {
        return Optional.ofNullable(find(path));
    }

    /** {@link #match} without the Optional (per request on the proxy's path): null if none or closed. */
    public Route find(String path) {
        for (Route route : routes) {
            String prefix = route.prefix();
            if (path.startsWith(prefix) || (prefix.endsWith("/") && path.length() == prefix.length() - 1
                    && prefix.startsWith(path))) {
                return route.isClosed() ? null : route;
            }
        }
        return null;
    }

    public List<Route> routes() {
        return routes;
    }
}
