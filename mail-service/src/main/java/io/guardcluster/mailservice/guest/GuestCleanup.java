package io.guardcluster.mailservice.guest;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.guardcluster.mailservice.guest.repository.GuestMessageRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Removes expired guest messages: 1. the copy in filestore-service (as the sender, who owns it; a copy already gone
 * is fine), 2. then the row. Every replica runs it; two replicas on the same row both delete the same file and row,
 * which is harmless, and a crash between the steps leaves a row whose file is gone, which the next run finishes.
 * A copy that cannot be deleted now (filestore unavailable) keeps its row, so it is tried again. An expired link
 * answers 404 at once, whatever the cleanup's pace: every lookup checks the expiry.
 */
@ApplicationScoped
public class GuestCleanup {

    private static final Logger LOG = Logger.getLogger(GuestCleanup.class);
    private static final int BATCH = 100;

    private final GuestMessageRepository messages;
    private final FilestoreClient filestore;
    private final MeterRegistry meters;

    GuestCleanup(GuestMessageRepository messages, FilestoreClient filestore, MeterRegistry meters) {
        this.messages = messages;
        this.filestore = filestore;
        this.meters = meters;
    }

    @Scheduled(every = "${guard.mail.guests.cleanup-interval:15M}", delayed = "1M",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return removeExpired().onFailure().invoke(e -> LOG.warnf("guest message cleanup stopped: %s",
                e.getClass().getSimpleName())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One pass over the expired rows (at most one batch); how many were removed. */
    public Uni<Integer> removeExpired() {
        return messages.expired(Instant.now(), BATCH).chain(expired -> {
            Uni<Integer> removed = Uni.createFrom().item(0);
            for (GuestMessage message : expired) {
                removed = removed.chain(count -> filestore.delete(message.sender(), message.fileId())
                        .chain(() -> messages.delete(message.row()))
                        .map(deleted -> count + (deleted ? 1 : 0))
                        .onFailure().invoke(e -> LOG.warnf("expired guest message (row %d) not removed yet: %s",
                                message.row(), e.getClass().getSimpleName()))
                        .onFailure().recoverWithItem(count));
            }
            return removed;
        }).invoke(count -> {
            if (count > 0) {
                meters.counter("guard.mail.guest.expired").increment(count);
                LOG.infof("removed %d expired guest messages", count);
            }
        });
    }
}
