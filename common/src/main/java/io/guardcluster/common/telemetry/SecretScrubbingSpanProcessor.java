package io.guardcluster.common.telemetry;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;

/**
 * Takes secrets out of every span before any exporter sees it (Quarkus adds every CDI {@code SpanProcessor}
 * bean to the tracer provider). The HTTP server and client instrumentation records the full URL of each
 * request: through the gateway and towards the groupware backend that URL carries the user's session id,
 * and a guest's URL carries the guest link token (see {@link TelemetryRedaction}). Header capture is off,
 * but if an operator turns it on, every captured header value is masked here: cookies and the
 * {@code X-Guard-*} password and token headers must never reach a collector, and an allow-list of
 * harmless headers is not worth the risk.
 *
 * <p>Scrubbed twice: at start (the instrumentation sets URL attributes before the span starts) and again
 * "on ending", after the last attribute was set but before the span is frozen and handed to any exporter
 * (SDK's {@code ExtendedSpanProcessor}, an SDK-internal interface: should it go away, {@code onStart} alone
 * still covers every URL attribute the instrumentation sets today).
 */
@ApplicationScoped
public class SecretScrubbingSpanProcessor implements ExtendedSpanProcessor {

    private record Rule(AttributeKey<String> key, UnaryOperator<String> scrub) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(AttributeKey.stringKey("url.full"), TelemetryRedaction::url),
            new Rule(AttributeKey.stringKey("http.url"), TelemetryRedaction::url),
            new Rule(AttributeKey.stringKey("url.path"), TelemetryRedaction::path),
            new Rule(AttributeKey.stringKey("url.query"), TelemetryRedaction::query),
            new Rule(AttributeKey.stringKey("http.target"), TelemetryRedaction::target),
            new Rule(AttributeKey.stringKey("http.route"), TelemetryRedaction::target));

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        scrub(span);
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnding(ReadWriteSpan span) {
        scrub(span);
    }

    @Override
    public boolean isOnEndingRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }

    static void scrub(ReadWriteSpan span) {
        for (Rule rule : RULES) {
            String value = span.getAttribute(rule.key());
            if (value != null) {
                String safe = rule.scrub().apply(value);
                if (!Objects.equals(value, safe)) {
                    span.setAttribute(rule.key(), safe);
                }
            }
        }
        span.getAttributes().forEach((key, value) -> {
            if (isHeader(key.getKey())) {
                maskHeader(span, key);
            }
        });
        String name = span.getName();
        String safeName = TelemetryRedaction.spanName(name);
        if (!Objects.equals(name, safeName)) {
            span.updateName(safeName);
        }
    }

    private static boolean isHeader(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.startsWith("http.request.header.") || k.startsWith("http.response.header.");
    }

    @SuppressWarnings("unchecked")
    private static void maskHeader(ReadWriteSpan span, AttributeKey<?> key) {
        // Captured headers are string arrays in current semantic conventions, strings in older ones.
        if (key.getType() == AttributeType.STRING_ARRAY) {
            span.setAttribute((AttributeKey<List<String>>) key, List.of(TelemetryRedaction.MASK));
        } else if (key.getType() == AttributeType.STRING) {
            span.setAttribute((AttributeKey<String>) key, TelemetryRedaction.MASK);
        }
    }
}
