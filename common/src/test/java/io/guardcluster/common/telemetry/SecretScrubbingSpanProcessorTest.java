package io.guardcluster.common.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** The processor in a real SDK pipeline: what an exporter receives is what a collector would store. */
class SecretScrubbingSpanProcessorTest {

    private final List<SpanData> exported = new CopyOnWriteArrayList<>();
    // The scrubber is registered after the exporting processor on purpose: scrubbing "on ending" happens
    // before any processor's onEnd, whatever the order (Quarkus does not promise one for CDI beans).
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Collecting(exported)))
            .addSpanProcessor(new SecretScrubbingSpanProcessor())
            .build();
    private final Tracer tracer = provider.get("test");

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void urlAttributesSetAtStartAreScrubbed() {
        tracer.spanBuilder("GET /api/guest/messages/guest-link-token").setSpanKind(SpanKind.SERVER)
                .setAttribute("url.path", "/api/guest/messages/guest-link-token/session")
                .setAttribute("url.query", "session=groupware-session-id")
                .setAttribute("http.request.method", "GET")
                .startSpan().end();

        SpanData span = exported.getFirst();
        assertThat(span.getName()).isEqualTo("GET /api/guest/messages/{link}");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/api/guest/messages/{link}/session");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("url.query"))).isEqualTo("session=REDACTED");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(span.toString()).doesNotContain("guest-link-token", "groupware-session-id");
    }

    @Test
    void attributesAndHeadersSetLaterAreScrubbedBeforeExport() {
        Span span = tracer.spanBuilder("GET").setSpanKind(SpanKind.CLIENT).startSpan();
        span.setAttribute("url.full", "http://backend:8009/ajax/mail?action=get&session=groupware-session-id");
        span.setAttribute(AttributeKey.stringArrayKey("http.request.header.cookie"), List.of("JSESSIONID=jsession-secret"));
        span.setAttribute(AttributeKey.stringArrayKey("http.request.header.x-guard-password"), List.of("password-value"));
        span.setAttribute("http.route", "/api/guest/messages/guest-link-token");
        span.updateName("GET /api/guest/messages/guest-link-token");
        span.end();

        SpanData data = exported.getFirst();
        assertThat(data.getAttributes().get(AttributeKey.stringKey("url.full")))
                .isEqualTo("http://backend:8009/ajax/mail?action=get&session=REDACTED");
        assertThat(data.getAttributes().get(AttributeKey.stringArrayKey("http.request.header.cookie"))).containsExactly("REDACTED");
        assertThat(data.toString()).doesNotContain("groupware-session-id", "jsession-secret", "password-value", "guest-link-token");
    }

    private record Collecting(List<SpanData> into) implements SpanExporter {
        @Override
        public CompletableResultCode export(java.util.Collection<SpanData> spans) {
            into.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
