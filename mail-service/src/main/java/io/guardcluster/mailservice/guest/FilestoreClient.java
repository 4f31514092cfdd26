package io.guardcluster.mailservice.guest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.internalcall.InternalCaller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;

/**
 * What mail-service asks of filestore-service for guests: store a guest's copy of a mail (encrypted there to the
 * sender and the guest's key, who become the file's owner and recipient), read it back as the guest (raw OpenPGP:
 * decrypted here), delete it when it expires.
 */
@ApplicationScoped
public class FilestoreClient {

    private final FilestoreTransport transport;
    private final ObjectMapper json;

    FilestoreClient(FilestoreTransport transport, ObjectMapper json) {
        this.transport = transport;
        this.json = json;
    }

    /** Stores {@code content} as {@code owner}, shared with {@code recipient}; the new file's id. */
    public Uni<String> store(InternalIdentity owner, String name, byte[] content, String recipient) {
        String path = "/api/files?name=" + encode(name) + "&recipient=" + encode(recipient);
        return guarded(transport.send(HttpMethod.POST, owner, path,
                new InternalCaller.Body(content, "message/rfc822", Map.of())))
                .map(answer -> transport.caller().read(json, answer).path("id").asText());
    }

    /** The stored OpenPGP message of file {@code id}, binary, as {@code reader} (its owner or a recipient) may see it. */
    public Uni<byte[]> raw(InternalIdentity reader, String id) {
        return guarded(transport.get(reader, "/api/files/" + encode(id) + "/raw")).map(answer -> {
            if (answer.status() / 100 != 2) {
                transport.caller().read(json, answer); // the problem, passed on
            }
            return answer.body();
        });
    }

    /** Deletes file {@code id} as its owner; a file already gone is fine. */
    public Uni<Void> delete(InternalIdentity owner, String id) {
        return guarded(transport.send(HttpMethod.DELETE, owner, "/api/files/" + encode(id), null)).map(answer -> {
            if (answer.status() != 404) {
                transport.caller().read(json, answer);
            }
            return null;
        });
    }

    private static Uni<InternalCaller.Answer> guarded(Uni<InternalCaller.Answer> call) {
        return call.onFailure(CircuitBreakerOpenException.class)
                .transform(e -> new FilestoreTransport.FilestoreUnavailableException(
                        "filestore-service is unavailable (too many recent failures); try again shortly"))
                .onFailure(TimeoutException.class)
                .transform(e -> new FilestoreTransport.FilestoreUnavailableException("filestore-service did not answer in time"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
