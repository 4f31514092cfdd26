package io.guardcluster.emulator.admin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

/** Counters of what the emulator was asked, for tests (NOT part of the OX API). */
@ApplicationScoped
public class EmulatorStats {

    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong failedLogins = new AtomicLong();
    private final AtomicLong logouts = new AtomicLong();
    private final AtomicLong validations = new AtomicLong();
    private final AtomicLong failedValidations = new AtomicLong();
    private final AtomicLong restLookups = new AtomicLong();
    private final AtomicLong restAuthFailures = new AtomicLong();
    private final AtomicLong mailsSent = new AtomicLong();
    private final AtomicLong mailsDelivered = new AtomicLong();
    private final AtomicLong mailsToOutbox = new AtomicLong();
    /** Trace ids of the newest calls that came with a W3C traceparent header, newest last. */
    private final Deque<String> traceIds = new ArrayDeque<>();
    private static final int TRACE_IDS_KEPT = 200;

    public void login() {
        logins.incrementAndGet();
    }

    public void failedLogin() {
        failedLogins.incrementAndGet();
    }

    public void logout() {
        logouts.incrementAndGet();
    }

    public void validation() {
        validations.incrementAndGet();
    }

    public void failedValidation() {
        failedValidations.incrementAndGet();
    }

    public void restLookup() {
        restLookups.incrementAndGet();
    }

    public void restAuthFailure() {
        restAuthFailures.incrementAndGet();
    }

    /** A message sent through the mail API ({@code PUT /mail?action=new}). */
    public void mailSent() {
        mailsSent.incrementAndGet();
    }

    /** A message put into a user's INBOX (mail API, SMTP sink or test drop). */
    public void mailDelivered() {
        mailsDelivered.incrementAndGet();
    }

    /** A message captured for recipients outside the emulator. */
    public void mailToOutbox() {
        mailsToOutbox.incrementAndGet();
    }

    /**
     * A call arrived with a W3C {@code traceparent} header ({@code 00-<trace id>-<parent span id>-<flags>}): its
     * trace id is kept, so a test can check that a request traced at the gateway reached the backend in the
     * same trace. Malformed headers are ignored, as a real server's tracing would.
     */
    public void traced(String traceparent) {
        if (traceparent == null) {
            return;
        }
        String[] parts = traceparent.trim().split("-");
        if (parts.length < 4 || parts[1].length() != 32 || !parts[1].matches("[0-9a-f]{32}")) {
            return;
        }
        synchronized (traceIds) {
            if (traceIds.size() == TRACE_IDS_KEPT) {
                traceIds.removeFirst();
            }
            traceIds.addLast(parts[1]);
        }
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("logins", logins.get());
        json.put("failedLogins", failedLogins.get());
        json.put("logouts", logouts.get());
        json.put("validations", validations.get());
        json.put("failedValidations", failedValidations.get());
        json.put("restLookups", restLookups.get());
        json.put("restAuthFailures", restAuthFailures.get());
        json.put("mailsSent", mailsSent.get());
        json.put("mailsDelivered", mailsDelivered.get());
        json.put("mailsToOutbox", mailsToOutbox.get());
        List<String> traces;
        synchronized (traceIds) {
            traces = new ArrayList<>(traceIds);
        }
        json.put("traceIds", traces);
        return json;
    }
}
