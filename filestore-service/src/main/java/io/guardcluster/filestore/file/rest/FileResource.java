package io.guardcluster.filestore.file.rest;

import java.io.InputStream;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

import io.guardcluster.common.identity.CurrentIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient.Unlock;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.filestore.file.FileService;
import io.guardcluster.filestore.file.FileView;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * Encrypted files (OX Guard's encrypted Drive files), for the signed-in user.
 *
 * <p>Uploads and downloads stream: those methods are {@link Blocking}, so Quarkus REST hands them the body as a
 * stream over the arriving bytes (never buffered whole) and their answers are written on the worker thread with
 * back-pressure. Everything else is reactive. The unlock (Guard password or unlock token) travels in headers for
 * requests whose body is the data.
 */
@Path("/api/files")
@Produces(MediaType.APPLICATION_JSON)
public class FileResource {

    public static final String PASSWORD_HEADER = "X-Guard-Password";
    public static final String UNLOCK_TOKEN_HEADER = "X-Guard-Unlock-Token";

    /** How a JSON request unlocks the caller's key. */
    public record UnlockRequest(String password, String unlockToken) {
        @Override
        public String toString() {
            return "UnlockRequest[redacted]";
        }
    }

    /** Adds {@code email}'s keys to a file's recipients; the owner's unlock opens the session key. */
    public record ShareRequest(String email, String password, String unlockToken) {
        @Override
        public String toString() {
            return "ShareRequest[" + email + ", redacted]";
        }
    }

    private final FileService files;
    private final CurrentIdentity identity;

    FileResource(FileService files, CurrentIdentity identity) {
        this.files = files;
        this.identity = identity;
    }

    /**
     * Upload: the body is the file. {@code name} is required; {@code recipient} (repeatable) adds people who can
     * read it. A {@code .pgp}/{@code .gpg} name or {@code application/pgp-encrypted} type means the file is already
     * an OpenPGP message: it is checked and stored as it is.
     */
    @POST
    @Blocking
    @Consumes(MediaType.WILDCARD)
    public RestResponse<FileView> upload(InputStream body, @QueryParam("name") String name,
            @QueryParam("recipient") List<String> recipients, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength) {
        FileView view = files.upload(identity.get(), name, contentType, recipients == null ? List.of() : recipients,
                contentLength, body);
        return RestResponse.status(RestResponse.Status.CREATED, view);
    }

    @GET
    public Uni<List<FileView>> list() {
        return files.list(identity.get());
    }

    @GET
    @Path("/{id}")
    public Uni<FileView> get(@PathParam("id") String id) {
        return files.get(identity.get(), id);
    }

    /** The file decrypted, streamed; a tampered file aborts the transfer instead of completing it. */
    @GET
    @Path("/{id}/content")
    @Blocking
    @Produces(MediaType.WILDCARD)
    public Response content(@PathParam("id") String id, @HeaderParam(PASSWORD_HEADER) String password,
            @HeaderParam(UNLOCK_TOKEN_HEADER) String unlockToken) {
        return files.decrypted(identity.get(), id, unlock(password, unlockToken)).toResponse();
    }

    /** The stored OpenPGP message (binary, or ASCII-armored with {@code armor=true}), for decrypting elsewhere. */
    @GET
    @Path("/{id}/raw")
    @Blocking
    @Produces(MediaType.WILDCARD)
    public Response raw(@PathParam("id") String id, @QueryParam("armor") boolean armor) {
        return files.raw(identity.get(), id, armor).toResponse();
    }

    @POST
    @Path("/{id}/recipients")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<FileView> share(@PathParam("id") String id, ShareRequest request) {
        if (request == null || request.email() == null || request.email().isBlank()) {
            throw GuardProblemException.badRequest("invalid-email", "send the recipient's address as \"email\"");
        }
        return files.share(identity.get(), id, request.email(), new Unlock(request.password(), request.unlockToken()));
    }

    @DELETE
    @Path("/{id}/recipients/{email}")
    public Uni<FileView> unshare(@PathParam("id") String id, @PathParam("email") String email) {
        return files.unshare(identity.get(), id, email);
    }

    /** "Remove encryption": a decrypted copy of the file, stored as a new file of the owner's. */
    @POST
    @Path("/{id}/decrypted-copy")
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    public RestResponse<FileView> decryptedCopy(@PathParam("id") String id, UnlockRequest request) {
        Unlock unlock = request == null ? new Unlock(null, null) : new Unlock(request.password(), request.unlockToken());
        return RestResponse.status(RestResponse.Status.CREATED, files.decryptedCopy(identity.get(), id, unlock));
    }

    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id) {
        return files.delete(identity.get(), id).map(v -> RestResponse.noContent());
    }

    private static Unlock unlock(String password, String unlockToken) {
        return new Unlock(password, unlockToken);
    }
}
