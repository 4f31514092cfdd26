package io.guardcluster.emulator.rest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Context;


import io.guardcluster.emulator.admin.EmulatorStats;
import io.guardcluster.emulator.user.DemoUser;
import io.guardcluster.emulator.user.UserDirectory;
import io.vertx.core.http.HttpServerRequest;

/**
 * The middleware's mail resolver REST service: looks up users by e-mail address, for back-end callers such as
 * OX Guard (which call the middleware's REST API with {@code restApiUsername}/{@code restApiPassword}, i.e. the
 * {@code com.openexchange.rest.services.basic-auth.*} credentials).
 *
 * <p>Doc sources: appsuite-middleware {@code documentation/administration/servlets.md}, REST table: "Mail resolver |
 * /preliminary/utilities/mailResolver/v1 | open-xchange-rest | Basic Auth login"; the service itself,
 * {@code MailMappingRESTService} ({@code @Path("/preliminary/utilities/mailResolver/v1")},
 * {@code @RoleAllowed(BASIC_AUTHENTICATED)}):
 * <pre>
 * GET /preliminary/utilities/mailResolver/v1/resolve/[mail1];[mail2]
 * Tries to resolve the given mail addresses to context and user IDs. Returns an Object with the mail addresses as
 * keys ... If a mail address is unknown, the corresponding key will be missing in the response.
 * </pre>
 * Each value is {@code {"uid": userId, "cid": contextId, "user": {"language": ..., "displayName": ...}}}.
 * An unknown address is therefore not an error: its key is absent (all unknown: {@code {}}, HTTP 200).
 *
 * <p>This is the closest documented REST lookup to what Guard needs; no documented REST endpoint that looks up a
 * user by id alone was found (see {@link SessionRestResource} for session to user).
 */
@Path("/preliminary/utilities/mailResolver/v1")
@RestBasicAuth
public class MailResolverResource {

    @Inject
    UserDirectory users;
    @Inject
    EmulatorStats stats;

    @GET
    @Path("/resolve/{mail}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> resolve(@Context HttpServerRequest request) {
        stats.restLookup();
        // OX takes the first address from the path segment and the others from its matrix parameters
        // (PathSegment.getMatrixParameters().keySet()). The JAX-RS layer here drops matrix parameters, so the
        // raw path segment is split at ';' instead.
        String raw = request.path();
        String segment = raw.substring(raw.lastIndexOf("/resolve/") + "/resolve/".length());
        Set<String> mails = new LinkedHashSet<>();
        for (String part : segment.split(";")) {
            String name = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
            // path-segment decoding: a '+' stays a '+' (user+tag@example.com)
            String address = URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (!address.isBlank()) {
                mails.add(address);
            }
        }
        Map<String, Object> response = new LinkedHashMap<>();
        for (String address : mails) {
            users.byEmail(address).ifPresent(user -> response.put(address, resolved(user)));
        }
        return response;
    }

    private static Map<String, Object> resolved(DemoUser user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("uid", user.id());
        json.put("cid", user.contextId());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("language", user.locale());
        details.put("displayName", user.displayName());
        json.put("user", details);
        return json;
    }
}
