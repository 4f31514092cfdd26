package io.guardcluster.keyservice.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.guardcluster.common.problem.Problem;
import io.guardcluster.keyservice.key.KeysConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Request body limits per path. Signing streams up to {@code guard.keys.sign-limit} (64 MiB) through a hash, so
 * Quarkus' one global limit ({@code quarkus.http.limits.max-body-size}) has to allow that much; every other endpoint
 * reads its body into memory and stays at {@code guard.keys.body-limit} (10 MiB, Quarkus' own default).
 *
 * <ul>
 * <li>With a {@code Content-Length}: answered 413 (problem+json) before any of the body is read, ahead of
 * Quarkus' own check (route order -3 &lt; -2).</li>
 * <li>Chunked: after Quarkus' handler (order -1 &gt; -2) the per-path limit replaces the global one in the routing
 * context's {@value #QUARKUS_LIMIT_KEY}, which Quarkus' blocking body stream enforces (413, connection closed). The
 * sign endpoint counts what it reads itself and answers 413 (problem+json) first: Quarkus' stream gets a little
 * more room there ({@value #SIGN_SLACK} bytes) as a backstop.</li>
 * </ul>
 */
@ApplicationScoped
public class BodyLimits {

    /** The path whose body is streamed. */
    public static final String SIGN_PATH = "/api/keys/internal/sign";
    /** Where Quarkus' HTTP layer keeps the body limit of a request without Content-Length (vertx-http, quarkus-rest). */
    static final String QUARKUS_LIMIT_KEY = "io.quarkus.max-request-size";

    /** Extra room for Quarkus' own check on a chunked sign body, so the endpoint's own (problem+json) 413 comes first. */
    static final long SIGN_SLACK = 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(BodyLimits.class);

    private final long signLimit;
    private final long bodyLimit;

    BodyLimits(KeysConfig config) {
        this.signLimit = config.signLimit().asLongValue();
        this.bodyLimit = config.bodyLimit().asLongValue();
    }

    void install(@Observes Router router) {
        ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue)
                .filter(global -> global < signLimit)
                .ifPresent(global -> LOG.warnf("quarkus.http.limits.max-body-size (%d bytes) is below guard.keys.sign-limit "
                        + "(%d bytes): larger data to sign is refused by Quarkus", global, signLimit));
        router.route().order(-3).handler(this::checkContentLength);
        router.route().order(-1).handler(this::limitChunked);
    }

    /** The largest body accepted on {@code path}. */
    public long limitFor(String path) {
        return SIGN_PATH.equals(path) ? signLimit : bodyLimit;
    }

    private void checkContentLength(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long limit = limitFor(ctx.request().path());
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1; // Vert.x' HTTP codec refuses such a request itself
            }
            if (declared > limit) {
                tooLarge(ctx, limit);
                return;
            }
        }
        ctx.next();
    }

    private void limitChunked(RoutingContext ctx) {
        if (ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            String path = ctx.request().path();
            ctx.put(QUARKUS_LIMIT_KEY, SIGN_PATH.equals(path) ? signLimit + SIGN_SLACK : bodyLimit);
        }
        ctx.next();
    }

    private static void tooLarge(RoutingContext ctx, long limit) {
        String body = new JsonObject()
                .put("type", Problem.type("too-large"))
                .put("title", "Payload too large")
                .put("status", 413)
                .put("detail", "the request body is larger than the limit of " + limit + " bytes for this resource")
                .put("instance", ctx.request().path())
                .encode();
        // The body stays unread: close the connection rather than leave it for the next request (as Quarkus' own
        // limit handler does).
        ctx.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(done -> ctx.request().connection().close());
        ctx.response().end(body);
    }
}
