package io.guardcluster.emulator.mail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;

import io.guardcluster.emulator.ajax.ClientRequest;
import io.guardcluster.emulator.ajax.OxErrorCode;
import io.guardcluster.emulator.ajax.OxException;
import io.guardcluster.emulator.ajax.OxResponses;
import io.guardcluster.emulator.ajax.RequestParams;
import io.guardcluster.emulator.session.Session;
import io.guardcluster.emulator.session.SessionValidator;
import io.guardcluster.emulator.user.DemoUser;
import io.guardcluster.emulator.user.UserDirectory;
import io.vertx.core.http.HttpServerRequest;

/**
 * The OX mail module, the calls a back end uses to read and send a user's mail with the user's own session:
 * {@code /appsuite/api/mail} (and the middleware's own {@code /ajax/mail}). Every call first runs the session check
 * ({@link SessionValidator}: session parameter plus secret cookie, on the node the front chose).
 *
 * <p>Doc sources: the HTTP API's Mail module (OpenAPI, rendered as hexdocs {@code OpenXchangeClient.Api.Mail}):
 * <ul>
 * <li>{@code get_mail_source}: {@code GET /mail?action=get&src=1&folder=&id=} "Gets the complete message source as
 * plain text ... a JSON object with the field data containing the complete message source"; {@code save=1} "to
 * write the complete message source to output stream". appsuite-middleware {@code GetAction} answers that with
 * {@code Content-Type: application/octet-stream} and {@code Content-Disposition: attachment; filename=<subject>.eml}
 * ({@code mail.eml} without a subject); an unknown id is {@code MailExceptionCode.MAIL_NOT_FOUND} (MSG-0032) with
 * the id and folder; {@code hdr=1} gives the header as text; {@code unseen=true} leaves the mail unseen.</li>
 * <li>{@code get_all_mails}: {@code GET /mail?action=all&folder=&columns=600,601,...} with optional {@code sort},
 * {@code order}, {@code limit}, {@code left_hand_limit}, {@code right_hand_limit}: {@code {"data": [[...], ...]}}, one
 * array per mail holding the requested columns (see {@link MailColumns}).</li>
 * <li>{@code send_or_save_mail}: {@code PUT /mail?action=new} "Sends or saves a mail as MIME data block (RFC822)",
 * the MIME as the body (the OpenAPI's request content type is {@code text/plain}; any is taken), answer
 * {@code MailDestinationResponse} {@code {"data": {"folder_id", "id"}}} of the copy in the sent folder;
 * {@code folder=} stores the mail there instead of sending it, with {@code flags}. The behaviour is
 * {@code NewAction.performWithoutUploads} / {@code transportMessage}: From check (MSG-0056), {@code copy2Sent=false}
 * answers {@code {"data": null}}; see {@link MailDelivery}.</li>
 * </ul>
 * Application errors are OX error objects with HTTP 200; folder ids are {@code default0/<full name>}
 * ({@link MailFolders}).
 */
@Path("/{prefix: appsuite/api|ajax}/mail")
public class MailResource {

    @Inject
    SessionValidator validator;
    @Inject
    UserDirectory users;
    @Inject
    MailStore store;
    @Inject
    MailDelivery delivery;

    @GET
    public Response get(@Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerRequest vertx) {
        RequestParams params = new RequestParams(uri.getQueryParameters(), null);
        DemoUser user = user(params, new ClientRequest(headers, uri, vertx));
        String action = params.require("action");
        return switch (action) {
            case "get" -> mail(user, params);
            case "all" -> all(user, params);
            default -> throw new OxException(OxErrorCode.SVL_0021, action, "mail");
        };
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    public Response put(byte[] body, @Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerRequest vertx) {
        RequestParams params = new RequestParams(uri.getQueryParameters(), null);
        DemoUser user = user(params, new ClientRequest(headers, uri, vertx));
        String action = params.require("action");
        if (!action.equals("new")) {
            throw new OxException(OxErrorCode.SVL_0021, action, "mail");
        }
        if (body == null || body.length == 0) {
            throw new OxException(OxErrorCode.MSG_0059);
        }
        delivery.checkSize(body.length);
        MailDelivery.Placed placed;
        Optional<String> folder = params.get("folder");
        if (folder.isPresent()) {
            String fullname = MailFolders.fullname(folder.get())
                    .orElseThrow(() -> new OxException(OxErrorCode.MSG_0066, folder.get()));
            placed = delivery.save(user, fullname, body, params.get("flags").flatMap(MailResource::number).orElse(0));
        } else {
            // copy2Sent: absent means the user's setting, which is "keep a copy".
            boolean copyToSent = params.get("copy2Sent").map(v -> !(v.equalsIgnoreCase("false") || v.equals("0")))
                    .orElse(true);
            placed = delivery.send(user, body, copyToSent);
        }
        Map<String, Object> data = null;
        if (placed != null) {
            data = new LinkedHashMap<>();
            data.put("folder_id", placed.folderId());
            data.put("id", placed.id());
        }
        return Response.ok(OxResponses.data(data, null), OxResponses.JSON_UTF8).build();
    }

    /** {@code action=get}: the source (raw with {@code save=1}, else as JSON text), the header, or the mail as JSON. */
    private Response mail(DemoUser user, RequestParams params) {
        String folderId = params.require("folder");
        String fullname = MailFolders.fullname(folderId).orElseThrow(() -> new OxException(OxErrorCode.MSG_0066, folderId));
        StoredMail mail = find(user, fullname, params)
                .orElseThrow(() -> new OxException(OxErrorCode.MSG_0032,
                        params.get("id").orElse(params.get("message_id").orElse("")), folderId));
        if (!params.flag("unseen")) {
            mail.flags().updateAndGet(f -> f | StoredMail.FLAG_SEEN);
        }
        if (params.flag("src")) {
            if (params.flag("save")) {
                StreamingOutput raw = mail::writeTo;
                return Response.ok(raw, MediaType.APPLICATION_OCTET_STREAM)
                        .header(HttpHeaders.CONTENT_LENGTH, mail.size())
                        .header("Content-Disposition", "attachment; filename=\"" + fileName(mail) + "\"")
                        .build();
            }
            return json(new String(mail.source(), StandardCharsets.UTF_8));
        }
        if (params.flag("hdr")) {
            int end = mail.envelope().headers().headerEnd();
            return json(new String(mail.trace(), StandardCharsets.UTF_8)
                    + new String(mail.message(), 0, end, StandardCharsets.UTF_8));
        }
        TimeZone zone = zone(user, params);
        Map<String, Object> data = new LinkedHashMap<>();
        for (String[] field : new String[][] { { "id", "600" }, { "folder_id", "601" }, { "attachment", "602" },
                { "from", "603" }, { "to", "604" }, { "cc", "605" }, { "bcc", "606" }, { "subject", "607" },
                { "size", "608" }, { "sent_date", "609" }, { "received_date", "610" }, { "flags", "611" },
                { "priority", "614" }, { "account_id", "653" }, { "content_type", "656" } }) {
            data.put(field[0], MailColumns.value(mail, field[1], zone));
        }
        return json(data);
    }

    /** {@code action=all}: the requested columns of the folder's mails, sorted and cut as asked. */
    private Response all(DemoUser user, RequestParams params) {
        String folderId = params.require("folder");
        String fullname = MailFolders.fullname(folderId).orElseThrow(() -> new OxException(OxErrorCode.MSG_0066, folderId));
        List<String> columns = Arrays.stream(params.require("columns").split(",")).map(String::trim)
                .filter(c -> !c.isEmpty()).toList();
        List<String> headerColumns = params.get("headers").map(h -> Arrays.stream(h.split(",")).map(String::trim)
                .filter(c -> !c.isEmpty()).toList()).orElse(List.of());
        List<String> all = Stream.concat(columns.stream(), headerColumns.stream()).toList();
        Stream<StoredMail> mails = store.list(user, fullname).stream();
        Comparator<StoredMail> order = params.get("sort").map(MailColumns::comparator).orElse(null);
        if (order != null) {
            mails = mails.sorted(params.get("order").filter("desc"::equalsIgnoreCase).isPresent() ? order.reversed() : order);
        }
        int left = params.get("left_hand_limit").flatMap(MailResource::number).orElse(0);
        int right = params.get("right_hand_limit").flatMap(MailResource::number).orElse(Integer.MAX_VALUE);
        Optional<Integer> limit = params.get("limit").flatMap(MailResource::number);
        if (limit.isPresent()) {
            left = 0;
            right = limit.get();
        }
        TimeZone zone = zone(user, params);
        List<List<Object>> rows = mails.skip(Math.max(0, left)).limit(Math.max(0, (long) right - Math.max(0, left)))
                .map(m -> MailColumns.row(m, all, zone)).toList();
        return Response.ok(OxResponses.data(rows, Instant.now().toEpochMilli()), OxResponses.JSON_UTF8).build();
    }

    private Optional<StoredMail> find(DemoUser user, String fullname, RequestParams params) {
        Optional<String> id = params.get("id");
        if (id.isPresent()) {
            return store.get(user, fullname, id.get());
        }
        // GetAction: "message_id" substitutes "id"; without either: SVL-0002 for "id".
        String messageId = params.get("message_id").orElseThrow(() -> new OxException(OxErrorCode.SVL_0002, "id"));
        return store.list(user, fullname).stream().filter(m -> messageId.equals(m.envelope().messageId())).findFirst();
    }

    private DemoUser user(RequestParams params, ClientRequest request) {
        Session session = validator.require(params.get("session"), request);
        return users.byId(session.contextId(), session.userId())
                .orElseThrow(() -> new OxException(OxErrorCode.USR_0010, session.userId(), session.contextId()));
    }

    private static TimeZone zone(DemoUser user, RequestParams params) {
        return TimeZone.getTimeZone(params.get("timezone").orElse(user.timezone()));
    }

    private static Response json(Object data) {
        return Response.ok(OxResponses.data(data, null), OxResponses.JSON_UTF8).build();
    }

    /** {@code GetAction}: "<subject>.eml", "mail.eml" without a subject; reduced here to characters safe in a header. */
    private static String fileName(StoredMail mail) {
        String subject = mail.envelope().subject();
        if (subject == null || subject.isBlank()) {
            return "mail.eml";
        }
        return subject.replaceAll("[^A-Za-z0-9 ._-]", "_").trim() + ".eml";
    }

    private static Optional<Integer> number(String value) {
        try {
            return Optional.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
