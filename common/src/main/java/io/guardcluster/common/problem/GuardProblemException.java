package io.guardcluster.common.problem;

/**
 * An error whose answer we know: thrown anywhere in a request's handling, it becomes a
 * problem+json response with exactly this status, type and detail (see {@link ProblemMappers}).
 * The detail is shown to the caller, so it must never carry secrets or decrypted content.
 */
public class GuardProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final long retryAfterSeconds;

    public GuardProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, -1);
    }

    /** With a {@code Retry-After} header (429, 423, 503): when asking again can succeed. */
    public GuardProblemException(int status, String slug, String title, String detail, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static GuardProblemException conflict(String slug, String detail) {
        return new GuardProblemException(409, slug, "Conflict", detail);
    }

    public static GuardProblemException forbidden(String slug, String detail) {
        return new GuardProblemException(403, slug, "Forbidden", detail);
    }

    public static GuardProblemException badRequest(String slug, String detail) {
        return new GuardProblemException(400, slug, "Bad request", detail);
    }

    public static GuardProblemException notFound(String slug, String detail) {
        return new GuardProblemException(404, slug, "Not found", detail);
    }

    public static GuardProblemException unavailable(String slug, String detail) {
        return new GuardProblemException(503, slug, "Service unavailable", detail);
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** Seconds for a {@code Retry-After} header, or negative for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
