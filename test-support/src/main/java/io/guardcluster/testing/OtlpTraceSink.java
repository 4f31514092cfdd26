package io.guardcluster.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The receiving end of a service's trace export for tests: accepts OTLP/HTTP ({@code POST /v1/traces},
 * {@code http/protobuf}) and keeps every body as it arrived. Tests look into the raw bytes, which is the
 * strictest check there is for "no secret in any span": a protobuf string attribute is its UTF-8 bytes, so a
 * session id or guest link anywhere in an exported span (name, attribute, event, resource) would be found,
 * whatever attribute the instrumentation chose for it. A trace id is its 16 raw bytes.
 */
public final class OtlpTraceSink implements AutoCloseable {

    private final HttpServer server;
    private final List<byte[]> exports = new CopyOnWriteArrayList<>();

    private OtlpTraceSink(HttpServer server) {
        this.server = server;
    }

    public static OtlpTraceSink start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpTraceSink sink = new OtlpTraceSink(server);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                sink.exports.add(body.readAllBytes());
            }
            // An empty ExportTraceServiceResponse is an empty protobuf message.
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return sink;
    }

    /** The base URL to give a service as {@code quarkus.otel.exporter.otlp.traces.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every export received so far, oldest first. */
    public List<byte[]> exports() {
        return new ArrayList<>(exports);
    }

    /** Whether any export so far holds the trace with this id (32 hex digits). */
    public boolean hasTrace(String traceIdHex) {
        return contains(HexFormat.of().parseHex(traceIdHex));
    }

    /** Whether any export so far contains {@code text} as UTF-8. */
    public boolean contains(String text) {
        return contains(text.getBytes(StandardCharsets.UTF_8));
    }

    private boolean contains(byte[] needle) {
        for (byte[] export : exports) {
            if (indexOf(export, needle) >= 0) {
                return true;
            }
        }
        return false;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /**
     * Turns tracing on for a {@code @QuarkusTest} class and points its export at a new sink
     * ({@link #current()}), exporting every 100 ms so tests need not wait for the default 5 s batches.
     */
    public static final class Resource implements QuarkusTestResourceLifecycleManager {

        private static volatile OtlpTraceSink current;

        /** The sink of the test class that runs now. */
        public static OtlpTraceSink current() {
            return current;
        }

        @Override
        public Map<String, String> start() {
            try {
                current = OtlpTraceSink.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the trace sink", e);
            }
            return Map.of("quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.exporter.otlp.traces.endpoint", current.endpoint(),
                    "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                    "quarkus.otel.exporter.otlp.traces.compression", "none",
                    "quarkus.otel.bsp.schedule.delay", "100ms");
        }

        @Override
        public void stop() {
            if (current != null) {
                current.close();
            }
        }
    }
}
