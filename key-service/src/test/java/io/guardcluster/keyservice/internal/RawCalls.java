package io.guardcluster.keyservice.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.identity.RequestBinding;
import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyFileException;
import io.guardcluster.testing.TestCluster;
import io.restassured.RestAssured;

/**
 * Requests RestAssured cannot make: bodies generated while they are sent (chunked, or with a declared length and
 * {@code Expect: 100-continue}, so a refusal arrives before the body is sent). Signed like the gateway signs.
 */
final class RawCalls {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private RawCalls() {
    }

    static HttpResponse<String> post(InternalIdentity user, String pathAndQuery, HttpRequest.BodyPublisher body,
            boolean expectContinue, Map<String, String> headers) {
        String authority = "localhost:" + RestAssured.port;
        InternalIdentity current = new InternalIdentity(user.contextId(), user.userId(), user.email(),
                Instant.now().plusSeconds(60));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + authority + pathAndQuery))
                .timeout(Duration.ofSeconds(120)).expectContinue(expectContinue)
                .header(InternalIdentityCodec.HEADER, codec().sign(current, new RequestBinding("POST", authority, pathAndQuery)))
                .header("Content-Type", "application/octet-stream")
                .POST(body);
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code length} bytes of a fixed pattern, streamed (chunked: no Content-Length). */
    static HttpRequest.BodyPublisher chunked(long length) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new Pattern(length));
    }

    /** {@code length} bytes of the pattern with a declared Content-Length. */
    static HttpRequest.BodyPublisher sized(long length) {
        return HttpRequest.BodyPublishers.fromPublisher(chunked(length), length);
    }

    /** The same bytes {@link #chunked} sends, generated, never held in memory. */
    static final class Pattern extends InputStream {

        private final long length;
        private long position;

        Pattern(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            return position < length ? at(position++) : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = (byte) at(position++);
            }
            return n;
        }

        private static int at(long i) {
            return (int) ((i * 31 + (i >>> 11)) & 0xFF);
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
