package io.guardcluster.emulator.admin;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.guardcluster.emulator.config.EmulatorConfig;
import io.guardcluster.emulator.rest.RestBasicAuth;
import io.guardcluster.emulator.session.SessionStore;

/**
 * EMULATOR-ONLY, NOT PART OF THE OX API: counters for tests ({@code GET /emulator/stats}), protected by the REST
 * basic-auth credentials. Lets a test assert e.g. that a cache in front of the backend saved validations.
 */
@Path("/emulator/stats")
@RestBasicAuth
public class StatsResource {

    @Inject
    EmulatorStats stats;
    @Inject
    SessionStore store;
    @Inject
    EmulatorConfig config;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> stats() {
        Map<String, Object> json = stats.snapshot();
        json.put("activeSessions", store.size());
        json.put("route", config.route());
        return json;
    }
}
