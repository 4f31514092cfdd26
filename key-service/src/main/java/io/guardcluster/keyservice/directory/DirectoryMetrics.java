package io.guardcluster.keyservice.directory;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.guardcluster.common.problem.GuardProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Counts directory lookups: {@code guard.directory.lookups{method, result}}. Both tags come from
 * fixed sets (never from the request), so the number of series stays small whatever clients send.
 */
@ApplicationScoped
public class DirectoryMetrics {

    /** What was asked. */
    public enum Method {
        HKP_GET("hkp-get"), HKP_INDEX("hkp-index"), HKP_VINDEX("hkp-vindex"), HKP_OTHER("hkp-other"),
        HKP_ADD("hkp-add"), WKD_DIRECT("wkd-direct"), WKD_ADVANCED("wkd-advanced"), WKD_POLICY("wkd-policy");

        final String tag;

        Method(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;

    public DirectoryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Runs {@code lookup} (also when it throws instead of failing the Uni) and counts its outcome. */
    public <T> Uni<T> counted(Method method, Supplier<Uni<? extends T>> lookup) {
        return Uni.createFrom().<T>deferred(lookup)
                .onItem().invoke(() -> found(method))
                .onFailure().invoke(failure -> failed(method, failure));
    }

    public void found(Method method) {
        count(method, "found");
    }

    /** Counts a failed lookup by what the caller is told. */
    public void failed(Method method, Throwable failure) {
        count(method, result(failure));
    }

    static String result(Throwable failure) {
        if (failure instanceof GuardProblemException problem) {
            int status = problem.status();
            if (status == 404) {
                return "not-found";
            }
            if (status == 403 || status == 405 || status == 501) {
                return "refused";
            }
            if (status < 500) {
                return "bad-request";
            }
        }
        return "error";
    }

    private void count(Method method, String result) {
        registry.counter("guard.directory.lookups", "method", method.tag, "result", result).increment();
    }
}
