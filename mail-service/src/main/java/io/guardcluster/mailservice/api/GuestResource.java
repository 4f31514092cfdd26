package io.guardcluster.mailservice.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.guardcluster.mailservice.guest.GuestAccess;
import io.smallrye.mutiny.Uni;

/**
 * The guest reader's API: public (no groupware session; the gateway passes {@code /api/guest/} through), one link
 * per guest message, {@code {link}} being the token from the notification mail. A guest signs in with the Guard
 * password (and PIN), gets a guest session, and sends it as {@value #SESSION_HEADER} to read and reply. Every answer
 * is {@code Cache-Control: no-store}.
 */
@Path("/api/guest/messages/{link}")
@Produces(MediaType.APPLICATION_JSON)
public class GuestResource {

    public static final String SESSION_HEADER = "X-Guard-Guest-Session";

    private final GuestAccess guests;

    GuestResource(GuestAccess guests) {
        this.guests = guests;
    }

    /**
     * Signs in: {@code {"password", "pin"?, "newPassword"?}}. The first time the password is the initial one from
     * the mail and {@code newPassword} is required (else 403 {@code password-change-required}). 200 with
     * {@code {"session", "expiresAt"}}; 403 wrong password or PIN; 423 with Retry-After after too many.
     */
    @POST
    @Path("/session")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> signIn(@PathParam("link") String link, GuestAccess.Login login) {
        return guests.login(link, login).map(GuestResource::noStore);
    }

    /** The message, decrypted, signatures checked: the same view as {@code GET /api/mail/message}. */
    @GET
    public Uni<Response> read(@PathParam("link") String link, @HeaderParam(SESSION_HEADER) String session) {
        return guests.read(link, session).map(GuestResource::noStore);
    }

    /** A reply to the message's sender ({@code {"text", "html"?}}), encrypted and signed with the guest's key. */
    @POST
    @Path("/reply")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> reply(@PathParam("link") String link, @HeaderParam(SESSION_HEADER) String session,
            GuestAccess.Reply reply) {
        return guests.reply(link, session, reply).map(GuestResource::noStore);
    }

    private static Response noStore(Object entity) {
        return Response.ok(entity).header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer").build();
    }
}
