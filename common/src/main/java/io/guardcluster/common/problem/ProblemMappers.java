package io.guardcluster.common.problem;

import java.util.UUID;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * The one place that turns exceptions into HTTP answers, for every service. Every error is an
 * {@code application/problem+json} {@link Problem}. Known errors keep their status and detail;
 * anything unexpected becomes a generic 500 whose body only carries an incident id, while the
 * exception goes to the log under that id. Stack traces never reach a response.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response guardProblem(GuardProblemException e, UriInfo uri) {
        Response response = respond(new Problem(Problem.type(e.slug()), e.title(), e.status(), e.getMessage(), path(uri)));
        if (e.retryAfterSeconds() >= 0) {
            response.getHeaders().putSingle("Retry-After", Long.toString(Math.max(1, e.retryAfterSeconds())));
        }
        return response;
    }

    /**
     * A message that does not decrypt or fails its integrity check (a wrong key, tampered data). The one answer for
     * every decryption failure, with no detail (no oracle). When it happens while a decrypted body is already on
     * its way, the response is cut off instead: the client sees a broken transfer, never a complete one.
     */
    @ServerExceptionMapper
    public Response undecryptable(io.guardcluster.common.pgp.message.MessageIntegrityException e, UriInfo uri) {
        // 422 as key-service answers a session key it cannot decrypt: one status for one kind of failure.
        return respond(new Problem(Problem.type("cannot-decrypt"), "Unprocessable content", 422,
                "the data cannot be decrypted with your key (or it is damaged)", path(uri)));
    }

    /** Malformed JSON or a body that does not fit the expected shape: the user's mistake. */
    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        // e.getOriginalMessage() can quote the offending input, which may be a password: leave it out.
        return respond(new Problem(Problem.type("malformed-request-body"), "Bad request", 400,
                "the request body is not valid JSON of the expected shape" + where, path(uri)));
    }

    /**
     * A body of the wrong shape (a string where a number belongs...). Named separately because Quarkus
     * REST has a built-in text/plain mapper for exactly this type, which would otherwise win.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    /** JAX-RS' own errors: unknown path (404), wrong method (405), unsupported media type (415)... */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus REST wraps JSON parse errors of request bodies in a 400.
            return malformedJson(json, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        String detail = switch (status) {
            case 404 -> "no resource at this path";
            case 405 -> "this resource does not support the request's method";
            case 406 -> "this resource cannot produce the media type the request accepts";
            case 415 -> "this resource does not accept the request's content type";
            default -> title;
        };
        return respond(new Problem(Problem.type("http-" + status), title, status, detail, path(uri)));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        String incident = UUID.randomUUID().toString();
        // Our exceptions never carry secrets or content in their messages; the trace stays here.
        LOG.errorf(e, "unexpected error, incident %s", incident);
        return respond(new Problem(Problem.type("internal-error"), "Internal server error", 500,
                "the service failed unexpectedly; quote incident " + incident + " to the operator", path(uri)));
    }

    /** Capability tokens in paths (a guest's link): answered back as a placeholder, never as the token itself. */
    private static final java.util.regex.Pattern LINK_TOKEN = java.util.regex.Pattern.compile("(/api/guest/messages/)[^/]+");

    private static String path(UriInfo uri) {
        return uri == null ? null : LINK_TOKEN.matcher(uri.getRequestUri().getRawPath()).replaceFirst("$1{link}");
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
