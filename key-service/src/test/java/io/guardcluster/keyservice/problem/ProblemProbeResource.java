package io.guardcluster.keyservice.problem;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import io.guardcluster.common.problem.GuardProblemException;
import io.smallrye.mutiny.Uni;

/** Test-only endpoints that fail in each way the shared problem mappers must handle. */
@Path("/test/problems")
public class ProblemProbeResource {

    public record Body(String name, int size) {
    }

    @GET
    @Path("/known")
    public Uni<String> known() {
        return Uni.createFrom().failure(GuardProblemException.badRequest("unknown-key", "no key with id 0x1234 for this user"));
    }

    @POST
    @Path("/json")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<String> json(Body body) {
        return Uni.createFrom().item(body.name());
    }

    @GET
    @Path("/unexpected")
    public Uni<String> unexpected() {
        return Uni.createFrom().failure(new IllegalStateException("internal detail: password=hunter2"));
    }
}
