package io.guardcluster.emulator.smtp;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.guardcluster.emulator.rest.RestBasicAuth;

/**
 * EMULATOR-ONLY, NOT PART OF THE OX API: what the SMTP sink received ({@code GET /emulator/mails?to=}),
 * protected by the REST basic-auth credentials like the other emulator endpoints.
 */
@Path("/emulator/mails")
@RestBasicAuth
public class MailboxResource {

    private final Mailbox mailbox;

    MailboxResource(Mailbox mailbox) {
        this.mailbox = mailbox;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Mailbox.Message> mails(@QueryParam("to") String to) {
        return mailbox.to(to);
    }
}
