package io.guardcluster.common.cluster;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.masterkey.ClusterKeyCheck;
import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyFileException;
import io.guardcluster.common.masterkey.MasterKeyFingerprint;
import io.guardcluster.common.masterkey.MasterKeyRing;
import io.guardcluster.common.problem.GuardProblemException;
import io.guardcluster.common.seal.Sealer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mysqlclient.MySQLException;

/**
 * This node's copy of the cluster master key, checked against the database before anything uses it.
 *
 * <ol>
 * <li>At startup, read {@code oxguardpass}. Missing, unreadable or malformed: refuse to start.</li>
 * <li>Read the registered fingerprints from {@code guard_master_key}. Database uninitialised, or the
 * file does not match: refuse to start (the OX Guard clustering failure we make impossible).</li>
 * <li>Database unreachable: this is an outage, not a misconfiguration. Start, report not-ready, and
 * retry until the check passes (or fails, and then exit).</li>
 * </ol>
 * Until the check has passed, {@link #sealer()} and {@link #identityCodec()} refuse to work.
 */
@ApplicationScoped
public class ClusterMasterKey {

    private static final Logger LOG = Logger.getLogger(ClusterMasterKey.class);
    /** EX_CONFIG from sysexits.h: the node is misconfigured, restarting it will not help. */
    public static final int EXIT_MISCONFIGURED = 78;

    /** Where verification stands. */
    public enum State {
        STARTING, WAITING_FOR_DATABASE, VERIFIED, REFUSED
    }

    private final MasterKeyConfig config;
    private final Pool pool;
    private final Vertx vertx;
    private final String databaseLabel;
    private final StartupRefusal refusal;

    private volatile MasterKeyRing ring;
    private volatile State state = State.STARTING;
    private volatile Sealer sealer;
    private volatile InternalIdentityCodec identityCodec;
    private volatile boolean stopping;

    ClusterMasterKey(MasterKeyConfig config, Pool pool, Vertx vertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> databaseUrl,
            StartupRefusal refusal) {
        this.config = config;
        this.pool = pool;
        this.vertx = vertx;
        this.databaseLabel = databaseUrl.map(ClusterMasterKey::withoutCredentials).orElse("(unconfigured)");
        this.refusal = refusal;
    }

    /** Runs before the HTTP server takes traffic (low priority value = early). */
    void onStart(@Observes @Priority(10) StartupEvent event) {
        try {
            ring = MasterKeyFile.read(config.file());
        } catch (MasterKeyFileException e) {
            refuseNow(e.getMessage());
            return;
        }
        if (MasterKeyFile.isReadableByOthers(config.file())) {
            LOG.warnf("oxguardpass at %s is readable by group or others: restrict it to mode 0600", config.file());
        }
        Optional<String> problem;
        try {
            problem = verifyOnce().await().atMost(config.verifyTimeout());
        } catch (RuntimeException e) {
            // Timeout or connection failure: an outage, handled by the retry loop.
            waitForDatabase(e);
            return;
        }
        problem.ifPresentOrElse(this::refuseNow, this::verified);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        MasterKeyRing current = ring;
        if (current != null) {
            current.destroy();
        }
    }

    /** The reason this node's file does not fit the cluster, or empty if it does. */
    private Uni<Optional<String>> verifyOnce() {
        return pool.query("SELECT key_id, fingerprint FROM guard_master_key").execute()
                .onFailure(ClusterMasterKey::isMissingTable).recoverWithItem(() -> null)
                .map(rows -> {
                    Map<Integer, MasterKeyFingerprint> registered = new HashMap<>();
                    if (rows != null) {
                        for (Row row : rows) {
                            registered.put(row.getInteger("key_id"), new MasterKeyFingerprint(row.getString("fingerprint")));
                        }
                    }
                    return ClusterKeyCheck.problem(config.file(), ring, registered, databaseLabel);
                });
    }

    private void waitForDatabase(Throwable cause) {
        if (stopping || state == State.REFUSED || state == State.VERIFIED) {
            return;
        }
        if (state != State.WAITING_FOR_DATABASE) {
            state = State.WAITING_FOR_DATABASE;
            LOG.warnf("cannot check oxguardpass against database %s yet (%s); not ready, retrying every %s",
                    databaseLabel, brief(cause), config.verifyRetryInterval());
        }
        vertx.setTimer(config.verifyRetryInterval().toMillis(), id -> verifyOnce()
                .subscribe().with(problem -> problem.ifPresentOrElse(this::refuseLater, this::verified),
                        this::waitForDatabase));
    }

    private void verified() {
        MasterKeyRing current = ring;
        sealer = new Sealer(current);
        identityCodec = new InternalIdentityCodec(current, Clock.systemUTC());
        if (state != State.VERIFIED) {
            state = State.VERIFIED;
            LOG.infof("oxguardpass at %s belongs to this cluster (current master key %d)", config.file(), current.current().id());
        }
    }

    private void refuseNow(String oneLine) {
        state = State.REFUSED;
        refusal.refuseStartup(oneLine, EXIT_MISCONFIGURED);
    }

    private void refuseLater(String oneLine) {
        state = State.REFUSED;
        refusal.stopRunning(oneLine, EXIT_MISCONFIGURED);
    }

    public State state() {
        return state;
    }

    /** The sealer of this cluster; a 503 problem while the master key is not verified. */
    public Sealer sealer() {
        Sealer current = sealer;
        if (current == null) {
            throw notVerified();
        }
        return current;
    }

    /** Signs and verifies the gateway's internal identity; a 503 problem while not verified. */
    public InternalIdentityCodec identityCodec() {
        InternalIdentityCodec current = identityCodec;
        if (current == null) {
            throw notVerified();
        }
        return current;
    }

    private static GuardProblemException notVerified() {
        return GuardProblemException.unavailable("master-key-not-verified",
                "this node has not yet verified the cluster master key against the database; try again shortly");
    }

    private static boolean isMissingTable(Throwable t) {
        // ER_NO_SUCH_TABLE: the schema was never created, i.e. 'guard init' never ran.
        return t instanceof MySQLException e && e.getErrorCode() == 1146;
    }

    private static String brief(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    /** {@code mysql://user:pw@host:port/db?x} → {@code mysql://host:port/db}: never a password in a message. */
    static String withoutCredentials(String url) {
        String noQuery = url.replaceFirst("\\?.*$", "");
        return noQuery.replaceFirst("//[^/@]*@", "//");
    }
}
