package io.guardcluster.emulator.mail;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.guardcluster.emulator.rest.RestBasicAuth;

/**
 * EMULATOR-ONLY, NOT PART OF THE OX API: the mail sent through the mail API to recipients outside the emulator
 * ({@link Outbox}). {@code GET /emulator/outbox[?to=address]}: oldest first, each {@code {"id", "sent", "from", "to",
 * "subject", "size", "source"}} ({@code source}: the transmitted message as UTF-8 text); {@code DELETE
 * /emulator/outbox} empties it ({@code {"removed": n}}). Protected by the REST basic-auth credentials.
 */
@Path("/emulator/outbox")
@RestBasicAuth
public class OutboxResource {

    @Inject
    Outbox outbox;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> list(@QueryParam("to") String to) {
        return outbox.to(to).stream().map(OutboxResource::json).toList();
    }

    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> clear() {
        return Map.of("removed", outbox.clear());
    }

    private static Map<String, Object> json(Outbox.Captured m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", m.id());
        json.put("sent", m.sent().toString());
        json.put("from", m.from());
        json.put("to", m.to());
        json.put("subject", m.subject());
        json.put("size", m.message().length);
        json.put("source", new String(m.message(), StandardCharsets.UTF_8));
        return json;
    }
}
