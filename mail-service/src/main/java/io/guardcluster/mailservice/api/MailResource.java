package io.guardcluster.mailservice.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.guardcluster.common.http.HeaderText;
import io.guardcluster.common.identity.CurrentIdentity;
import io.guardcluster.common.keyservice.KeyServiceClient;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.mailservice.backend.GroupwareBackend;
import io.guardcluster.mailservice.backend.MailSummary;
import io.guardcluster.mailservice.backend.UserSession;
import io.guardcluster.mailservice.read.MailReader;
import io.guardcluster.mailservice.read.MailView;
import io.guardcluster.mailservice.send.ComposeRequest;
import io.guardcluster.mailservice.send.MailSender;
import io.guardcluster.mailservice.send.MimeComposeRequests;
import io.guardcluster.mailservice.config.MailConfig;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The user's mail, through the gateway with their groupware session ({@code session} parameter and cookies, passed
 * on to the groupware as they came, JSESSIONID included). Reading decrypts and checks signatures; sending encrypts
 * and signs. The Guard password or an unlock token comes in {@value #PASSWORD_HEADER} / {@value #UNLOCK_TOKEN_HEADER}
 * (needed to decrypt, and to sign).
 */
@Path("/api/mail")
@Produces(MediaType.APPLICATION_JSON)
public class MailResource {

    public static final String PASSWORD_HEADER = "X-Guard-Password";
    public static final String UNLOCK_TOKEN_HEADER = "X-Guard-Unlock-Token";
    private static final int MAX_LIST = 500;

    private final MailReader reader;
    private final MailSender sender;
    private final GroupwareBackend backend;
    private final CurrentIdentity identity;
    private final HttpServerRequest request;

    private final MailConfig config;

    MailResource(MailReader reader, MailSender sender, GroupwareBackend backend, CurrentIdentity identity,
            HttpServerRequest request, MailConfig config) {
        this.config = config;
        this.reader = reader;
        this.sender = sender;
        this.backend = backend;
        this.identity = identity;
        this.request = request;
    }

    /** The mails of a folder, newest first, as the groupware lists them. */
    @GET
    @Path("/messages")
    public Uni<List<MailSummary>> list(@QueryParam("folder") String folder, @QueryParam("limit") Integer limit) {
        identity.get();
        int count = limit == null ? 100 : limit;
        if (count < 1 || count > MAX_LIST) {
            throw GuardProblemException.badRequest("invalid-limit", "\"limit\" must be between 1 and " + MAX_LIST);
        }
        return backend.list(session(), required(folder, "folder"), count);
    }

    /** One mail, opened: decrypted, signatures checked. */
    @GET
    @Path("/message")
    public Uni<MailView> read(@QueryParam("folder") String folder, @QueryParam("id") String id,
            @HeaderParam(PASSWORD_HEADER) String password, @HeaderParam(UNLOCK_TOKEN_HEADER) String unlockToken) {
        return reader.read(identity.get(), session(), required(folder, "folder"), required(id, "id"),
                unlock(password, unlockToken));
    }

    /** One attachment of a mail ({@code part} from the mail's view), decrypted. */
    @GET
    @Path("/message/attachment")
    @Produces(MediaType.WILDCARD)
    public Uni<Response> attachment(@QueryParam("folder") String folder, @QueryParam("id") String id,
            @QueryParam("part") String part, @HeaderParam(PASSWORD_HEADER) String password,
            @HeaderParam(UNLOCK_TOKEN_HEADER) String unlockToken) {
        return reader.attachment(identity.get(), session(), required(folder, "folder"), required(id, "id"),
                required(part, "part"), unlock(password, unlockToken))
                .map(content -> Response.ok(content.content(), content.contentType())
                        .header("Content-Disposition", contentDisposition(content.name()))
                        .header("Cache-Control", "no-store").build());
    }

    /**
     * Sends a mail (JSON, see {@link ComposeRequest}): encrypted and signed unless it says otherwise. Blocking: the
     * request (up to {@code guard.mail.max-send-size} of base64 attachments) is read and decoded on a worker thread,
     * not on the event loop.
     */
    @POST
    @Blocking
    @Path("/send")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<MailSender.SendResult> send(ComposeRequest compose, @HeaderParam(PASSWORD_HEADER) String password,
            @HeaderParam(UNLOCK_TOKEN_HEADER) String unlockToken) {
        return sender.send(identity.get(), session(), compose, unlock(password, unlockToken));
    }

    /**
     * Sends a mail composed elsewhere, as a MIME message (its To, Cc, Bcc, Subject, bodies and attachments; its From
     * must be the user's or absent); {@code format}, {@code encrypt} and {@code sign} as in the JSON form.
     */
    @POST
    @Blocking
    @Path("/send")
    @Consumes("message/rfc822")
    public Uni<MailSender.SendResult> sendMime(byte[] mime, @QueryParam("format") String format,
            @QueryParam("encrypt") Boolean encrypt, @QueryParam("sign") Boolean sign,
            @HeaderParam(PASSWORD_HEADER) String password, @HeaderParam(UNLOCK_TOKEN_HEADER) String unlockToken) {
        var user = identity.get();
        if (mime == null || mime.length == 0) {
            throw GuardProblemException.badRequest("invalid-mime", "send the mail as the request body (message/rfc822)");
        }
        ComposeRequest compose = MimeComposeRequests.of(mime, user.email(), format, encrypt, sign, config.maxSendSize());
        return sender.send(user, session(), compose, unlock(password, unlockToken));
    }

    private UserSession session() {
        UserSession session = UserSession.from(request);
        if (session.sessionId() == null || session.sessionId().isEmpty()) {
            throw GuardProblemException.badRequest("session-required",
                    "call with your groupware session: the \"session\" parameter and its cookies");
        }
        return session;
    }

    private static KeyServiceClient.Unlock unlock(String password, String unlockToken) {
        return new KeyServiceClient.Unlock(HeaderText.utf8(password), unlockToken);
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw GuardProblemException.badRequest("missing-" + name, "the \"" + name + "\" parameter is required");
        }
        if (value.length() > 1024) {
            throw GuardProblemException.badRequest("invalid-" + name, "\"" + name + "\" is too long");
        }
        return value;
    }

    /** RFC 6266: an ASCII fallback and the UTF-8 name (RFC 8187). */
    static String contentDisposition(String name) {
        String ascii = name.replaceAll("[^\\x20-\\x7E]|[\"\\\\]", "_");
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (Character.isLetterOrDigit(c) && c < 0x80 || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format("%02X", c));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
