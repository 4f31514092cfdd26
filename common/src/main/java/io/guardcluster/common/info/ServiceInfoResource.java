package io.guardcluster.common.info;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.guardcluster.common.identity.CurrentIdentity;
import io.guardcluster.common.identity.InternalIdentity;
import io.smallrye.mutiny.Uni;

/**
 * {@code GET <service api>/version}: service, version, replica and the caller's identity. Each
 * service subclasses it under its API prefix (e.g. {@code @Path("/api/keys")}); like every API
 * resource it needs the gateway's internal identity.
 */
public abstract class ServiceInfoResource {

    @Inject
    CurrentIdentity identity;

    @ConfigProperty(name = "quarkus.application.name")
    String service;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    @ConfigProperty(name = "quarkus.http.port")
    int port;

    /** Resolved once: looking the host name up on every request costs more than the answer. */
    private volatile String replica;

    @GET
    @Path("/version")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ServiceInfo> version() {
        InternalIdentity caller = identity.get();
        return Uni.createFrom().item(new ServiceInfo(service, version, replica(), caller.contextId(), caller.userId(), caller.email()));
    }

    /** host:port of this replica; in Kubernetes the pod name is the host name. */
    private String replica() {
        String name = replica;
        if (name == null) {
            try {
                name = InetAddress.getLocalHost().getHostName() + ":" + port;
            } catch (UnknownHostException e) {
                name = "unknown:" + port;
            }
            replica = name;
        }
        return name;
    }
}
