package io.guardcluster.common.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}).
 *
 * @param type     a URI naming the kind of problem, {@code urn:guard:problem:<slug>}; stable, so
 *                 clients can switch on it
 * @param title    short, fixed text for the type
 * @param status   the HTTP status
 * @param detail   what was wrong with this request, in words a user or operator can act on; never
 *                 secrets, plaintext or stack traces
 * @param instance the request path
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "urn:guard:problem:";

    public static String type(String slug) {
        return TYPE_PREFIX + slug;
    }
}
