package io.guardcluster.emulator.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import io.guardcluster.emulator.ajax.ClientRequest;
import io.guardcluster.emulator.cluster.ClusterNodes;
import io.guardcluster.emulator.mail.MailStore;
import io.guardcluster.emulator.rest.RestBasicAuth;
import io.guardcluster.emulator.session.SessionStore;
import io.vertx.core.http.HttpServerRequest;

/**
 * EMULATOR-ONLY, NOT PART OF THE OX API: counters for tests ({@code GET /emulator/stats}), protected by the REST
 * basic-auth credentials. Lets a test assert e.g. that a cache in front of the backend saved validations, or that a
 * caller forwarding the {@code JSESSIONID} route made no node re-create a session ({@code sessionsRecreated}, in total
 * and per node under {@code nodes}). {@code route} is the node that served this call.
 */
@Path("/emulator/stats")
@RestBasicAuth
public class StatsResource {

    @Inject
    EmulatorStats stats;
    @Inject
    SessionStore store;
    @Inject
    ClusterNodes nodes;
    @Inject
    MailStore mails;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> stats(@Context HttpHeaders headers, @Context UriInfo uri, @Context HttpServerRequest vertx) {
        Map<String, Object> json = stats.snapshot();
        json.put("activeSessions", store.size());
        json.put("route", nodes.serving(new ClientRequest(headers, uri, vertx)));
        Map<String, SessionStore.NodeSessions> sessions = store.perNode();
        Map<String, Long> requests = nodes.requestCounts();
        Map<String, Object> perNode = new LinkedHashMap<>();
        long recreated = 0;
        for (String node : nodes.all()) {
            SessionStore.NodeSessions s = sessions.getOrDefault(node, new SessionStore.NodeSessions(0, 0));
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("requests", requests.get(node));
            n.put("localSessions", s.localSessions());
            n.put("sessionsRecreated", s.sessionsRecreated());
            perNode.put(node, n);
            recreated += s.sessionsRecreated();
        }
        json.put("sessionsRecreated", recreated);
        json.put("nodes", perNode);
        json.put("storedMessages", mails.messageCount());
        json.put("storedBytes", mails.storedBytes());
        return json;
    }
}
