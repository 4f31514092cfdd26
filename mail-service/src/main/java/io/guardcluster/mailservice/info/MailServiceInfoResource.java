package io.guardcluster.mailservice.info;

import jakarta.ws.rs.Path;

import io.guardcluster.common.info.ServiceInfoResource;

/** {@code GET /api/mail/version}: which replica answered, for whom. */
@Path("/api/mail")
public class MailServiceInfoResource extends ServiceInfoResource {
}
