package io.guardcluster.keyservice.info;

import jakarta.ws.rs.Path;

import io.guardcluster.common.info.ServiceInfoResource;

/** {@code GET /api/keys/version}: which replica answered, for whom. */
@Path("/api/keys")
public class KeyServiceInfoResource extends ServiceInfoResource {
}
