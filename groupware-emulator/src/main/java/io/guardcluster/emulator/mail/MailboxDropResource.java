package io.guardcluster.emulator.mail;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.guardcluster.emulator.ajax.OxErrorCode;
import io.guardcluster.emulator.ajax.OxException;
import io.guardcluster.emulator.rest.RestBasicAuth;
import io.guardcluster.emulator.user.DemoUser;
import io.guardcluster.emulator.user.UserDirectory;

/**
 * EMULATOR-ONLY, NOT PART OF THE OX API: a test delivers a message "from outside" (say, one gpg encrypted) into a
 * user's folder: {@code POST /emulator/mailboxes/{email}/{folder}} with the raw MIME as the body, stored byte for
 * byte as given (no trace fields: the test is the MTA). Protected by the REST basic-auth credentials.
 * {@code 201 {"folder_id", "id"}} (the ids the mail API knows it by); 404 unknown user or folder; 400 no message;
 * 413 too large.
 */
@Path("/emulator/mailboxes/{email}/{folder}")
@RestBasicAuth
public class MailboxDropResource {

    @Inject
    UserDirectory users;
    @Inject
    MailDelivery delivery;

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response drop(@PathParam("email") String email, @PathParam("folder") String folder, byte[] body) {
        DemoUser user = users.byEmail(email).orElse(null);
        String fullname = MailFolders.standard(folder).orElse(null);
        if (user == null || fullname == null) {
            return problem(Response.Status.NOT_FOUND, user == null ? "no such user" : "no such folder");
        }
        if (body == null || body.length == 0) {
            return problem(Response.Status.BAD_REQUEST, "no message in the body");
        }
        try {
            MailDelivery.Placed placed = delivery.drop(user, fullname, body);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("folder_id", placed.folderId());
            json.put("id", placed.id());
            return Response.status(Response.Status.CREATED).type(MediaType.APPLICATION_JSON).entity(json).build();
        } catch (OxException e) {
            return e.code() == OxErrorCode.MSG_0088
                    ? problem(Response.Status.REQUEST_ENTITY_TOO_LARGE, "larger than guard.emulator.mail.max-message-size")
                    : problem(Response.Status.BAD_REQUEST, "not a message (no header)");
        }
    }

    private static Response problem(Response.Status status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }
}
