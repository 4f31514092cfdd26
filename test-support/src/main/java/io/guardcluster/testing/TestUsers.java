package io.guardcluster.testing;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.identity.RequestBinding;
import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyFileException;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Calls a service as a user, the way the gateway does: every request gets a fresh internal identity
 * signed for exactly its method, authority and URI. Tests that share the JVM-wide database use
 * {@link #fresh(String)} so that users never collide between test classes.
 *
 * <pre>
 * given().filter(TestUsers.as(user)).get("/api/keys")...
 * </pre>
 */
public final class TestUsers {

    /** Context 1 is the emulator's demo context; tests draw user ids from a range the demo users never use. */
    private static final AtomicInteger NEXT_USER = new AtomicInteger((int) (100_000 + (System.nanoTime() & 0xFFFFF) * 10));

    private TestUsers() {
    }

    /** A user nobody else in this JVM (or an earlier run against the same database) has used. */
    public static InternalIdentity fresh(String localPart) {
        int userId = NEXT_USER.incrementAndGet();
        return new InternalIdentity(1, userId, localPart + "." + userId + "@example.com", Instant.now().plusSeconds(60));
    }

    /** A RestAssured filter that signs each request for {@code user}. */
    public static Filter as(InternalIdentity user) {
        return new SigningFilter(user);
    }

    /** An identity header value for one request to {@code authority} (host:port), for clients other than RestAssured. */
    public static String sign(InternalIdentity user, String method, String authority, String pathAndQuery) {
        InternalIdentity current = new InternalIdentity(user.contextId(), user.userId(), user.email(),
                Instant.now().plusSeconds(60));
        return codec().sign(current, new RequestBinding(method, authority, pathAndQuery));
    }

    private record SigningFilter(InternalIdentity user) implements Filter {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                FilterContext context) {
            java.net.URI uri = java.net.URI.create(request.getURI());
            String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            InternalIdentity current = new InternalIdentity(user.contextId(), user.userId(), user.email(),
                    Instant.now().plusSeconds(60));
            request.header(InternalIdentityCodec.HEADER, codec()
                    .sign(current, new RequestBinding(request.getMethod(), uri.getHost() + ":" + uri.getPort(), pathAndQuery)));
            return context.next(request, response);
        }
    }

    private static InternalIdentityCodec codec() {
        try {
            return new InternalIdentityCodec(MasterKeyFile.read(TestCluster.get().masterKeyFile()), Clock.systemUTC());
        } catch (MasterKeyFileException e) {
            throw new IllegalStateException(e);
        }
    }
}
