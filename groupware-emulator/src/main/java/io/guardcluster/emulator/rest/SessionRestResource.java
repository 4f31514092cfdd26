package io.guardcluster.emulator.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.guardcluster.emulator.admin.EmulatorStats;
import io.guardcluster.emulator.session.SessionStore;

/**
 * The middleware's SessionD REST service: which user and context a session id belongs to.
 *
 * <p>Doc sources: {@code documentation/administration/servlets.md} REST table: "SessionD service |
 * /preliminary/session/v1/ | open-xchange-rest | Basic Auth login"; {@code SessionRESTService}:
 * {@code GET /preliminary/session/v1/get/{session}} answers {@code {"context": cid, "user": uid}}, or {@code {}} for an
 * unknown session. It checks no cookies: it is a trusted back-end call, not a proof that a browser owns the session.
 * It reads the distributed session storage only, so it re-creates no session on any node.
 */
@Path("/preliminary/session/v1")
@RestBasicAuth
public class SessionRestResource {

    @Inject
    SessionStore store;
    @Inject
    EmulatorStats stats;

    @GET
    @Path("/get/{session}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> get(@PathParam("session") String sessionId) {
        stats.restLookup();
        Map<String, Object> json = new LinkedHashMap<>();
        store.peek(sessionId).ifPresent(s -> {
            json.put("context", s.contextId());
            json.put("user", s.userId());
        });
        return json;
    }
}
