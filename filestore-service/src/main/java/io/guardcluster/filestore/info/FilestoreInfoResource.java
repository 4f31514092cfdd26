package io.guardcluster.filestore.info;

import jakarta.ws.rs.Path;

import io.guardcluster.common.info.ServiceInfoResource;

/** {@code GET /api/files/version}: which replica answered, for whom. */
@Path("/api/files")
public class FilestoreInfoResource extends ServiceInfoResource {
}
