package io.guardcluster.emulator.mail;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.guardcluster.emulator.config.EmulatorConfig;

/**
 * EMULATOR-ONLY: the mail the emulated middleware sent to recipients outside it, where a real one would hand it to
 * its MTA for the internet. Newest last; bounded by {@code guard.emulator.mail.outbox-capacity} messages and by
 * {@code guard.emulator.mail.max-stored-bytes}, the oldest dropped first.
 */
@ApplicationScoped
public class Outbox {

    /**
     * A message handed on for outside recipients, one per sending (as one SMTP transaction to the relay).
     *
     * @param from    envelope sender (the sending user's address)
     * @param to      the outside recipients (To, Cc and Bcc alike, as the envelope carries them)
     * @param message the bytes as transmitted (without Bcc)
     */
    public record Captured(long id, Instant sent, String from, List<String> to, String subject, byte[] message) {
    }

    private final int capacity;
    private final long maxBytes;
    private final Deque<Captured> messages = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();
    private long bytes;

    @Inject
    public Outbox(EmulatorConfig config) {
        this(config.mail().outboxCapacity(), config.mail().maxStoredBytes().asLongValue());
    }

    Outbox(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    synchronized Captured add(String from, List<String> to, String subject, byte[] message) {
        Captured captured = new Captured(ids.incrementAndGet(), Instant.now(), from, List.copyOf(to), subject, message);
        messages.addLast(captured);
        bytes += message.length;
        while (messages.size() > capacity || (bytes > maxBytes && messages.size() > 1)) {
            bytes -= messages.removeFirst().message().length;
        }
        return captured;
    }

    /** Messages to {@code recipient} (all, if null), oldest first. */
    public synchronized List<Captured> to(String recipient) {
        return messages.stream()
                .filter(m -> recipient == null || m.to().contains(recipient.toLowerCase(Locale.ROOT))).toList();
    }

    /** Empties the outbox; how many messages it held. */
    public synchronized int clear() {
        int count = messages.size();
        messages.clear();
        bytes = 0;
        return count;
    }
}
