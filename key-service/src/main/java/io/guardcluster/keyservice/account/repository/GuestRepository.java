package io.guardcluster.keyservice.account.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.mysqlclient.MySQLClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code guard_guest} table (V4): where guests' user ids come from, and who asked for each. */
@ApplicationScoped
public class GuestRepository {

    private final Pool pool;

    GuestRepository(Pool pool) {
        this.pool = pool;
    }

    /** A new guest user id for {@code email}, never handed out before (committed on its own). */
    public Uni<Integer> allocate(String email, int invitedByContext, int invitedByUser) {
        return pool.preparedQuery("INSERT INTO guard_guest (email, invited_by_context, invited_by_user) VALUES (?, ?, ?)")
                .execute(Tuple.of(email, invitedByContext, invitedByUser))
                .map(rows -> {
                    long id = rows.property(MySQLClient.LAST_INSERTED_ID);
                    if (id <= 0 || id > Integer.MAX_VALUE) {
                        throw new IllegalStateException("guest user ids are exhausted (" + id + ")");
                    }
                    return (int) id;
                });
    }
}
