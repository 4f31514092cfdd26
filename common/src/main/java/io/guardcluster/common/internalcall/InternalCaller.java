package io.guardcluster.common.internalcall;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.common.cluster.ClusterMasterKey;
import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.identity.RequestBinding;
import io.guardcluster.common.problem.GuardProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.stork.Stork;
import io.smallrye.stork.api.ServiceInstance;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * One HTTP call from one Guard service to another (key-service, filestore-service) as a user: a replica Stork picks,
 * an internal identity signed for exactly that request (method, the replica's host:port, path), the answer whole. No
 * fault tolerance here: each service's transport bean puts SmallRye Fault Tolerance around these calls, whose
 * annotations must sit on a bean method.
 * <p>
 * A failure to connect is {@code unreachable} (nothing was sent: safe to send anywhere else); no answer, a lost
 * answer or a 5xx is {@code unavailable}. Other answers, errors included, are the caller's to read ({@link #read}).
 */
public final class InternalCaller {

    /** How long the identity we sign is good for: the call's own timeout, with margin for clock skew. */
    private static final Duration IDENTITY_LIFETIME = Duration.ofSeconds(60);

    /** An answer: its status, body (problem+json for errors) and headers. */
    public record Answer(int status, byte[] body, long retryAfterSeconds, MultiMap headers) {

        /** A response header (case-insensitive), or null. */
        public String header(String name) {
            return headers.get(name);
        }

        @Override
        public String toString() {
            return "Answer[" + status + ", " + body.length + " bytes]";
        }
    }

    /** A request body: its bytes, content type, and headers that go with it (e.g. the unlock). */
    public record Body(byte[] bytes, String contentType, Map<String, String> headers) {

        public static Body json(byte[] json) {
            return new Body(json, "application/json", Map.of());
        }

        @Override
        public String toString() {
            return "Body[" + contentType + ", " + bytes.length + " bytes, redacted]";
        }
    }

    private final ClusterMasterKey masterKey;
    private final String serviceName;
    private final Duration timeout;
    private final HttpClient http;
    private final Supplier<RuntimeException> unreachable;
    private final Function<String, RuntimeException> unavailable;

    /**
     * @param serviceName   the Stork service to call
     * @param unreachable   the failure when no connection could be made
     * @param unavailable   the failure (with a detail for the user) when the service did not answer usefully
     */
    public InternalCaller(Vertx vertx, ClusterMasterKey masterKey, String serviceName, Duration connectTimeout,
            Duration timeout, Supplier<RuntimeException> unreachable, Function<String, RuntimeException> unavailable) {
        this.masterKey = masterKey;
        this.serviceName = serviceName;
        this.timeout = timeout;
        this.unreachable = unreachable;
        this.unavailable = unavailable;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout((int) connectTimeout.toMillis()));
    }

    public void close() {
        http.closeAndForget();
    }

    /** One call as {@code user}; {@code body} null for none. */
    public Uni<Answer> call(HttpMethod method, InternalIdentity user, String pathAndQuery, Body body) {
        return Uni.createFrom().deferred(() -> Stork.getInstance().getService(serviceName).selectInstance())
                .onFailure().transform(e -> unreachable.get())
                .chain(replica -> send(replica, method, user, pathAndQuery, body));
    }

    private Uni<Answer> send(ServiceInstance replica, HttpMethod method, InternalIdentity user, String pathAndQuery,
            Body body) {
        String authority = replica.getHost() + ":" + replica.getPort();
        InternalIdentity forCall = new InternalIdentity(user.contextId(), user.userId(), user.email(),
                Instant.now().plus(IDENTITY_LIFETIME));
        RequestOptions options = new RequestOptions().setMethod(method).setHost(replica.getHost())
                .setPort(replica.getPort()).setURI(pathAndQuery).setTimeout(timeout.toMillis())
                .putHeader(InternalIdentityCodec.HEADER, masterKey.identityCodec()
                        .sign(forCall, new RequestBinding(method.name(), authority, pathAndQuery)))
                .putHeader("Accept", "application/json");
        Class<? extends RuntimeException> unreachableType = unreachable.get().getClass();
        return http.request(options)
                .onFailure().transform(e -> unreachable.get())
                .chain(request -> {
                    Uni<HttpClientResponse> sent;
                    if (body == null) {
                        sent = request.send();
                    } else {
                        request.putHeader("Content-Type", body.contentType());
                        body.headers().forEach(request::putHeader);
                        sent = request.send(Buffer.buffer(body.bytes()));
                    }
                    return sent.chain(response -> response.body().map(received -> answer(response, received)));
                })
                .onFailure(e -> !unreachableType.isInstance(e) && !(e instanceof GuardProblemException))
                .transform(e -> e instanceof ConnectException ? unreachable.get()
                        : unavailable.apply(serviceName + " did not answer; try again"))
                .invoke(answer -> {
                    if (answer.status() >= 500) {
                        throw unavailable.apply(serviceName + " failed to answer (" + answer.status() + "); try again");
                    }
                });
    }

    private static Answer answer(HttpClientResponse response, Buffer body) {
        long retryAfter = -1;
        String header = response.getHeader("Retry-After");
        if (header != null) {
            try {
                retryAfter = Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                retryAfter = -1;
            }
        }
        return new Answer(response.statusCode(), body.getBytes(), retryAfter, response.headers().getDelegate());
    }

    /**
     * A 2xx answer's JSON; for anything else the service's own problem, passed on to the user unchanged (wrong
     * password 403, locked 423, ...). A problem type of ours ({@code urn:guard:problem:<slug>}) keeps its slug.
     */
    public JsonNode read(ObjectMapper json, Answer answer) {
        JsonNode node;
        try {
            node = answer.body().length == 0 && answer.status() / 100 == 2 ? json.createObjectNode() : json.readTree(answer.body());
        } catch (java.io.IOException e) {
            node = null;
        }
        if (answer.status() / 100 == 2 && node != null) {
            return node;
        }
        if (node == null || !node.hasNonNull("type")) {
            throw unavailable.apply(serviceName + " answered " + answer.status() + " without a problem description");
        }
        String type = node.path("type").asText();
        String prefix = io.guardcluster.common.problem.Problem.type("");
        String slug = type.startsWith(prefix) ? type.substring(prefix.length()) : serviceName + "-" + answer.status();
        throw new GuardProblemException(answer.status(), slug, node.path("title").asText("Error"),
                node.path("detail").asText(""), answer.retryAfterSeconds());
    }
}
