package io.guardcluster.mailservice.backend;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.common.problem.GuardProblemException;
import io.smallrye.mutiny.Uni;

/**
 * {@link GroupwareBackend} on the OX App Suite middleware's public HTTP API, the mail module
 * ({@code documentation-generic/http_api}, OpenAPI operations {@code get_mail_source}, {@code get_all_mails},
 * {@code send_or_save_mail}), and its REST API's mail resolver
 * ({@code documentation/administration/servlets.md}: {@code /preliminary/utilities/mailResolver/v1}).
 *
 * <ul>
 * <li>{@link #rawMessage}: {@code GET mail?action=get&src=1&save=1&unseen=true&folder=&id=}: the source as
 * {@code application/octet-stream} (OX {@code GetAction} with {@code save=1}), so it arrives as bytes and never as a
 * JSON string; an error arrives as the JSON error object.</li>
 * <li>{@link #list}: {@code GET mail?action=all&columns=600,601,602,603,604,605,607,608,609,610,611&sort=610&order=desc
 * &limit=&timezone=UTC}: with {@code timezone=UTC} the API's "Time" values are plain UTC milliseconds.</li>
 * <li>{@link #send}: {@code PUT mail?action=new} with the MIME as the body ({@code text/plain}, as the OpenAPI gives
 * the request type): {@code {"data": {"folder_id", "id"}}} of the sent copy.</li>
 * </ul>
 * The API reports application errors with HTTP 200 and an error object ({@code code}, {@code categories}); they are
 * mapped to the answer mail-service gives ({@link #problem}). The error's text is never passed on or logged: OX puts
 * the session id into some of them.
 */
@ApplicationScoped
public class OxHttpBackend implements GroupwareBackend {

    private static final Logger LOG = Logger.getLogger(OxHttpBackend.class);
    /** The list's columns: id, folder, attachment, from, to, cc, subject, size, sent, received, flags. */
    static final String LIST_COLUMNS = "600,601,602,603,604,605,607,608,609,610,611";
    /** JSON answers (lists, errors, lookups) are small; more than this is not an answer we want to read. */
    private static final long MAX_JSON_BYTES = 16L * 1024 * 1024;

    private final BackendTransport transport;
    private final BackendConfig config;
    private final ObjectMapper json;

    OxHttpBackend(BackendTransport transport, BackendConfig config, ObjectMapper json) {
        this.transport = transport;
        this.config = config;
        this.json = json;
    }

    @Override
    public Uni<byte[]> rawMessage(UserSession session, String folder, String id) {
        long max = config.maxMessageSize().asLongValue();
        String path = "/mail?action=get&src=1&save=1&unseen=true&folder=" + enc(folder) + "&id=" + enc(id) + "&session="
                + enc(session.sessionId());
        return guarded(transport.get(session, path, max)).map(answer -> {
            if (answer.json()) {
                throw problem(readJson(answer), "fetching a mail");
            }
            if (answer.status() != 200) {
                throw unexpected(answer.status());
            }
            return answer.body();
        });
    }

    @Override
    public Uni<List<MailSummary>> list(UserSession session, String folder, int limit) {
        String path = "/mail?action=all&folder=" + enc(folder) + "&columns=" + LIST_COLUMNS + "&sort=610&order=desc"
                + "&limit=" + Math.max(1, limit) + "&timezone=UTC&session=" + enc(session.sessionId());
        return guarded(transport.get(session, path, MAX_JSON_BYTES)).map(answer -> {
            JsonNode data = data(answer, "listing mails");
            List<MailSummary> mails = new ArrayList<>(data.size());
            for (JsonNode row : data) {
                mails.add(new MailSummary(row.path(0).asText(), row.path(1).asText(), addresses(row.path(3)),
                        addresses(row.path(4)), addresses(row.path(5)), row.path(6).isNull() ? null : row.path(6).asText(null),
                        time(row.path(8)), time(row.path(9)), row.path(7).asLong(), row.path(2).asBoolean(), row.path(10).asInt()));
            }
            return mails;
        });
    }

    @Override
    public Uni<Optional<MailRef>> send(UserSession session, byte[] mime, boolean keepSentCopy) {
        String path = "/mail?action=new&session=" + enc(session.sessionId()) + (keepSentCopy ? "" : "&copy2Sent=false");
        return guarded(transport.put(session, path, "text/plain", mime, MAX_JSON_BYTES)).map(answer -> {
            JsonNode data = data(answer, "sending a mail");
            return data.isObject() ? Optional.of(new MailRef(data.path("folder_id").asText(), data.path("id").asText()))
                    : Optional.<MailRef> empty();
        });
    }

    @Override
    public Uni<Optional<BackendUser>> userByEmail(String email) {
        if (config.rest().username().isEmpty() || config.rest().password().isEmpty()) {
            return Uni.createFrom().failure(new GuardProblemException(502, "groupware-rest-not-configured", "Bad gateway",
                    "the groupware backend's REST API is not configured (guard.backend.rest.username/password)"));
        }
        // One address per call: ';' would start a further address (matrix parameter), so it is encoded like the rest.
        String path = "/preliminary/utilities/mailResolver/v1/resolve/" + enc(email).replace("+", "%20");
        return guarded(transport.rest(path, MAX_JSON_BYTES)).map(answer -> {
            if (answer.status() == 401 || answer.status() == 403) {
                LOG.warnf("the groupware backend's REST API refused Guard's credentials (HTTP %d)", answer.status());
                throw new GuardProblemException(502, "groupware-rest-refused", "Bad gateway",
                        "the groupware backend's REST API refused this service's credentials");
            }
            if (answer.status() != 200) {
                throw unexpected(answer.status());
            }
            JsonNode resolved = readJson(answer);
            // Unknown addresses are simply absent ({} for one unknown address).
            for (Iterator<Map.Entry<String, JsonNode>> it = resolved.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equalsIgnoreCase(email)) {
                    JsonNode user = entry.getValue();
                    return Optional.of(new BackendUser(entry.getKey(), user.path("cid").asInt(), user.path("uid").asInt(),
                            user.path("user").path("displayName").asText(null), user.path("user").path("language").asText(null)));
                }
            }
            return Optional.<BackendUser> empty();
        });
    }

    /** The {@code data} of a successful HTTP API answer; the mapped problem for an error object. */
    private JsonNode data(BackendTransport.Answer answer, String what) {
        if (answer.status() != 200) {
            throw unexpected(answer.status());
        }
        JsonNode node = readJson(answer);
        if (node.hasNonNull("error") || node.hasNonNull("code")) {
            throw problem(node, what);
        }
        return node.path("data");
    }

    /**
     * What an OX error object means for mail-service's caller: the session's errors ({@code SES-*}) 401, mail or
     * folder not found ({@code MSG-0032}, {@code MSG-0066}) 404, too large ({@code MSG-0088}) 413, a message the
     * backend will not send (sender not the user's, {@code MSG-0056}; no recipients, {@code SMTP-3006}) 400; the
     * backend's own trouble (categories {@code TRY_AGAIN}, {@code SERVICE_DOWN}, {@code CONNECTIVITY}) 503; anything
     * else 502, naming the OX code.
     */
    GuardProblemException problem(JsonNode error, String what) {
        String code = error.path("code").asText("");
        String category = error.path("categories").isArray() ? error.path("categories").path(0).asText("")
                : error.path("categories").asText("");
        if (code.startsWith("SES-")) {
            return new GuardProblemException(401, "groupware-session-expired", "Unauthorized",
                    "the groupware session expired or is not valid; log in again");
        }
        switch (code) {
            case "MSG-0032", "MSG-0066":
                return GuardProblemException.notFound("mail-not-found", "no such mail in that folder");
            case "MSG-0088":
                return new GuardProblemException(413, "message-too-large", "Content too large",
                        "the groupware backend does not take a message this large");
            case "MSG-0056":
                return GuardProblemException.badRequest("invalid-sender", "the From address is not one of the user's addresses");
            case "SMTP-3006":
                return GuardProblemException.badRequest("no-recipients", "the message has no recipients");
            default:
                break;
        }
        LOG.warnf("the groupware backend answered %s while %s", code.isEmpty() ? "an unreadable error" : code, what);
        if (category.equals("TRY_AGAIN") || category.equals("SERVICE_DOWN") || category.equals("CONNECTIVITY")) {
            return new BackendUnavailableException("the groupware backend cannot serve this now (" + code + "); try again");
        }
        return new GuardProblemException(502, "groupware-backend-error", "Bad gateway",
                "the groupware backend refused the request (" + (code.isEmpty() ? "no error code" : code) + ")");
    }

    private JsonNode readJson(BackendTransport.Answer answer) {
        try {
            return json.readTree(answer.body());
        } catch (IOException e) {
            throw new GuardProblemException(502, "groupware-backend-error", "Bad gateway",
                    "the groupware backend answered something this service does not understand");
        }
    }

    private static GuardProblemException unexpected(int status) {
        return new GuardProblemException(502, "groupware-backend-error", "Bad gateway",
                "the groupware backend answered HTTP " + status);
    }

    /** Circuit open, overall timeout, a too-large body: the caller's answers for them. */
    private <T> Uni<T> guarded(Uni<T> call) {
        return call.onFailure(CircuitBreakerOpenException.class)
                .transform(e -> new BackendUnavailableException("the groupware backend is unavailable (too many recent failures); try again shortly"))
                .onFailure(TimeoutException.class)
                .transform(e -> new BackendUnavailableException("the groupware backend did not answer in time; try again"))
                .onFailure(BackendTransport.TooLargeException.class)
                .transform(e -> new GuardProblemException(413, "message-too-large", "Content too large",
                        "the mail is larger than this service handles (" + ((BackendTransport.TooLargeException) e).limit + " bytes)"));
    }

    private static List<MailSummary.Address> addresses(JsonNode list) {
        List<MailSummary.Address> addresses = new ArrayList<>();
        for (JsonNode pair : list) {
            addresses.add(new MailSummary.Address(pair.path(0).isNull() ? null : pair.path(0).asText(null),
                    pair.path(1).isNull() ? null : pair.path(1).asText(null)));
        }
        return addresses;
    }

    private static Instant time(JsonNode millis) {
        return millis.isNumber() ? Instant.ofEpochMilli(millis.asLong()) : null;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
