package io.guardcluster.emulator.user;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.guardcluster.emulator.ajax.ClientRequest;
import io.guardcluster.emulator.ajax.OxErrorCode;
import io.guardcluster.emulator.ajax.OxException;
import io.guardcluster.emulator.ajax.OxResponses;
import io.guardcluster.emulator.ajax.RequestParams;
import io.guardcluster.emulator.config.EmulatorConfig;
import io.guardcluster.emulator.session.Session;
import io.guardcluster.emulator.session.SessionValidator;
import io.vertx.core.http.HttpServerRequest;

/**
 * The OX user module, the calls a backend client uses to validate a user's session and learn who the user is.
 *
 * <p>Doc sources: the HTTP API's User module (OpenAPI, hexdocs {@code OpenXchangeClient.Api.User#get_user}:
 * {@code GET /user?action=get&session=...}, "id: Object ID of the requested user. This parameter is optional and
 * the default is the currently logged in user", response {@code UserResponse} with {@code UserData}) and
 * UserMe module ({@code OpenXchangeClient.Api.UserMe#get_current_user}: {@code GET /user/me?session=...}, response
 * {@code CurrentUserResponse} with {@code CurrentUserData}: {@code context_id}, {@code user_id},
 * {@code context_admin}, {@code login_name}, {@code display_name}). Both first run the middleware's session check
 * (see {@link SessionValidator}); its errors come back as OX error objects with HTTP 200.
 */
@Path("/{prefix: appsuite/api|ajax}/user")
@Produces(OxResponses.JSON_UTF8)
public class UserResource {

    /** Last-modified of the (static) demo users, sent as the response {@code timestamp}. */
    private static final long LAST_MODIFIED = Instant.now().toEpochMilli();

    @Inject
    SessionValidator validator;
    @Inject
    UserDirectory users;
    @Inject
    EmulatorConfig config;

    /**
     * {@code GET /user?action=get&session=...[&id=...]}: {@code {"data": UserData, "timestamp": ...}} with
     * {@code id}, {@code user_id}, {@code contact_id}, {@code display_name}, {@code first_name}, {@code last_name},
     * {@code email1}, {@code aliases}, {@code locale}, {@code timezone}, {@code login_info}, {@code folder_id}.
     * An unknown {@code id}: {@code USR-0010}.
     */
    @GET
    public Response get(@Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerRequest vertx) {
        RequestParams params = new RequestParams(uri.getQueryParameters(), null);
        Session session = validator.require(params.get("session"), new ClientRequest(headers, uri, vertx));
        String action = params.require("action");
        if (!action.equals("get")) {
            throw new OxException(OxErrorCode.SVL_0021, action, "user");
        }
        String id = params.get("id").filter(s -> !s.isBlank()).orElse(Integer.toString(session.userId()));
        DemoUser user = parseId(id)
                .flatMap(userId -> users.byId(session.contextId(), userId))
                .orElseThrow(() -> new OxException(OxErrorCode.USR_0010, id, session.contextId()));
        return Response.ok(OxResponses.data(userData(user), LAST_MODIFIED)).build();
    }

    /** {@code GET /user/me?session=...}: {@code {"data": CurrentUserData}} of the session's user. */
    @GET
    @Path("me")
    public Response me(@Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerRequest vertx) {
        RequestParams params = new RequestParams(uri.getQueryParameters(), null);
        Session session = validator.require(params.get("session"), new ClientRequest(headers, uri, vertx));
        DemoUser user = users.byId(session.contextId(), session.userId())
                .orElseThrow(() -> new OxException(OxErrorCode.USR_0010, session.userId(), session.contextId()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("context_id", user.contextId());
        data.put("user_id", user.id());
        data.put("context_admin", config.contextAdmin());
        data.put("login_name", session.login());
        data.put("display_name", user.displayName());
        return Response.ok(OxResponses.data(data, null)).build();
    }

    private static Map<String, Object> userData(DemoUser user) {
        // Types as in the OpenAPI UserData model: id, contact_id, folder_id are strings; user_id is a number.
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", Integer.toString(user.id()));
        data.put("user_id", user.id());
        data.put("contact_id", Integer.toString(user.contactId()));
        data.put("folder_id", "6");
        data.put("display_name", user.displayName());
        data.put("first_name", user.firstName());
        data.put("last_name", user.lastName());
        data.put("email1", user.email());
        data.put("aliases", List.of(user.email()));
        data.put("login_info", user.login());
        data.put("locale", user.locale());
        data.put("timezone", user.timezone());
        data.put("last_modified", LAST_MODIFIED);
        return data;
    }

    private static java.util.Optional<Integer> parseId(String id) {
        try {
            return java.util.Optional.of(Integer.parseInt(id.trim()));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }
}
