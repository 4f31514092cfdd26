package io.guardcluster.cli.init;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

import io.guardcluster.common.masterkey.ClusterKeyCheck;
import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyFileException;
import io.guardcluster.common.masterkey.MasterKeyFingerprint;
import io.guardcluster.common.masterkey.MasterKeyRing;

/**
 * Creates a new cluster: its schema and the master key's fingerprint in the database, with either a new
 * {@code oxguardpass} ({@link #init}) or an existing one written by {@code guard keygen} ({@link #adopt}).
 * Runs once per cluster and never replaces a master key.
 */
public final class ClusterInitializer {

    private static final int ER_DUP_ENTRY = 1062;

    private final Database database;
    private final MasterKeyGenerator generator;

    public ClusterInitializer(Database database, SecureRandom random, Clock clock) {
        this.database = database;
        this.generator = new MasterKeyGenerator(random, clock);
    }

    /** What a successful init did. */
    public record Result(Path file, MasterKeyFingerprint fingerprint, int migrationsApplied) {
    }

    /**
     * <ol>
     * <li>Refuse if {@code file} exists, or if the database already has a master key fingerprint:
     * both checks come before any change, so a refused init leaves file and database as they were.</li>
     * <li>Migrate the schema (idempotent: an init that crashed after this step can simply be re-run).</li>
     * <li>Generate the master key and create the file ({@link MasterKeyGenerator}, as {@code guard keygen}
     * does): 0600, fsynced under a temporary name, then linked into place (never replaces).</li>
     * <li>Insert the fingerprint. If that fails (e.g. another node's concurrent init won the primary
     * key), delete the file created in step 3, so no node is left with a key the cluster does not know.</li>
     * </ol>
     */
    public Result init(Path file) {
        MasterKeyGenerator.refuseIfExists(file, "init", "To add a node to an existing cluster, copy the file from the node"
                + " where 'guard init' ran; to create a cluster with this file, run 'guard init --adopt " + file + "'.");
        try (Connection connection = database.connect()) {
            refuseIfInitialised(connection, registered -> "database " + database.label()
                    + " is already initialised (master key fingerprint " + registered.values().iterator().next().abbreviated()
                    + "), nothing was changed: copy oxguardpass from the node where 'guard init' ran to " + file);
            int migrations = database.migrate();
            MasterKeyRing ring = generator.createNew(file, "init",
                    "; the database holds no fingerprint yet, so 'guard init' can be re-run");
            try {
                try {
                    register(connection, ring);
                } catch (SQLException | RuntimeException e) {
                    deleteQuietly(file);
                    if (isDuplicate(e)) {
                        throw new CommandFailure(CommandFailure.REFUSED, "database " + database.label()
                                + " was initialised by another 'guard init' at the same time; removed the file this run created"
                                + ": copy oxguardpass from the node whose init succeeded");
                    }
                    throw new CommandFailure(1, "could not store the master key fingerprint in " + database.label() + " ("
                            + Database.firstLine(e) + "); removed " + file + ", so 'guard init' can be re-run");
                }
                return new Result(file, ring.current().fingerprint(), migrations);
            } finally {
                ring.destroy();
            }
        } catch (SQLException e) {
            throw new CommandFailure(1, "database " + database.label() + " failed (" + Database.firstLine(e) + ")");
        }
    }

    /**
     * {@code guard init --adopt}: creates the cluster around an existing {@code oxguardpass} (written by
     * {@code guard keygen}, e.g. mounted from a sealed secret) instead of a new one. The file is never written.
     * <ol>
     * <li>Read and validate the file, before the database is even connected to: a missing, unreadable or
     * malformed file leaves the database as it was (exit 78, as {@code guard verify} and the services).</li>
     * <li>Refuse (exit 3, nothing changed) if the database already has a fingerprint, saying whether it is
     * this file's key (the cluster exists, nothing to do) or a different one (the file is not this cluster's).</li>
     * <li>Migrate the schema, then insert the fingerprint (as {@link #init}; re-runnable if that insert fails).</li>
     * </ol>
     */
    public Result adopt(Path file) {
        MasterKeyRing ring = readForAdoption(file);
        try (Connection connection = database.connect()) {
            refuseIfInitialised(connection, registered -> alreadyInitialised(file, ring, registered));
            int migrations = database.migrate();
            try {
                register(connection, ring);
            } catch (SQLException | RuntimeException e) {
                if (isDuplicate(e)) {
                    // Another init or adopt registered key 1 between the check and the insert: say whose key won.
                    throw new CommandFailure(CommandFailure.REFUSED,
                            alreadyInitialised(file, ring, database.registeredFingerprints(connection)));
                }
                throw new CommandFailure(1, "could not store the master key fingerprint in " + database.label() + " ("
                        + Database.firstLine(e) + "); 'guard init --adopt' can be re-run");
            }
            return new Result(file, ring.current().fingerprint(), migrations);
        } catch (SQLException e) {
            throw new CommandFailure(1, "database " + database.label() + " failed (" + Database.firstLine(e) + ")");
        } finally {
            ring.destroy();
        }
    }

    /**
     * The file to adopt, validated. Its permissions are deliberately not checked: Kubernetes mounts a Secret
     * as root-owned {@code 0440} with the pod's {@code fsGroup} (it cannot make it 0600 for uid 185), and the
     * file is only read here, so requiring 0600 would refuse exactly the deployment this exists for. Whoever
     * can read the file to pass it here already has the key. The services warn about a file readable by
     * others at every start; that is where a too-open node file gets noticed.
     */
    private static MasterKeyRing readForAdoption(Path file) {
        MasterKeyRing ring;
        try {
            ring = MasterKeyFile.read(file);
        } catch (MasterKeyFileException e) {
            throw new CommandFailure(CommandFailure.MISCONFIGURED, e.getMessage() + "; the database was not touched");
        }
        // A new cluster starts with key 1 alone, as 'guard keygen' writes it. A file with more keys comes from an
        // existing cluster (a rotation): registering only some of them, or deciding here which data they sealed,
        // is not a new cluster's business.
        if (ring.keys().size() != 1 || ring.current().id() != 1) {
            int keys = ring.keys().size();
            int current = ring.current().id();
            ring.destroy();
            throw new CommandFailure(CommandFailure.MISCONFIGURED, "oxguardpass at " + file + " holds " + keys
                    + " key(s) with key " + current + " current; a new cluster adopts a file with master key 1 alone"
                    + ", as 'guard keygen' writes it; the database was not touched");
        }
        return ring;
    }

    /** Why an adopt refuses an initialised database: this very key (nothing to do) or another cluster's. */
    private String alreadyInitialised(Path file, MasterKeyRing ring, Map<Integer, MasterKeyFingerprint> registered) {
        MasterKeyFingerprint mine = ring.current().fingerprint();
        MasterKeyFingerprint theirs = registered.get(ring.current().id());
        if (mine.matches(theirs)) {
            var problem = ClusterKeyCheck.problem(file, ring, registered, database.label());
            return "database " + database.label() + " is already initialised with this oxguardpass (master key fingerprint "
                    + mine.abbreviated() + "): nothing to do, nothing was changed"
                    + problem.map(p -> "; but note: " + p).orElse("");
        }
        MasterKeyFingerprint shown = theirs != null ? theirs : registered.values().iterator().next();
        return "database " + database.label() + " is already initialised with a DIFFERENT master key (fingerprint "
                + shown.abbreviated() + ", " + file + " has " + mine.abbreviated()
                + "): this file is not this cluster's oxguardpass; nothing was changed";
    }

    /** Refuses (exit 3) if the database holds any fingerprint; {@code message} explains it. Reads only. */
    private void refuseIfInitialised(Connection connection,
            Function<Map<Integer, MasterKeyFingerprint>, String> message) throws SQLException {
        Map<Integer, MasterKeyFingerprint> registered = database.registeredFingerprints(connection);
        if (!registered.isEmpty()) {
            throw new CommandFailure(CommandFailure.REFUSED, message.apply(registered));
        }
    }

    private static boolean isDuplicate(Exception e) {
        return e instanceof SQLException sql && sql.getErrorCode() == ER_DUP_ENTRY;
    }

    private static void register(Connection connection, MasterKeyRing ring) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO guard_master_key (key_id, fingerprint) VALUES (?, ?)")) {
            insert.setInt(1, ring.current().id());
            insert.setString(2, ring.current().fingerprint().hex());
            insert.executeUpdate();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Reported by the caller's message; nothing better to do here.
        }
    }

    /** {@code guard verify}: the same verdict a service reaches at startup, without starting one. */
    public static String verify(Database database, Path file) {
        MasterKeyRing ring;
        try {
            ring = MasterKeyFile.read(file);
        } catch (MasterKeyFileException e) {
            throw new CommandFailure(CommandFailure.MISCONFIGURED, e.getMessage());
        }
        try (Connection connection = database.connect()) {
            var problem = ClusterKeyCheck.problem(file, ring, database.registeredFingerprints(connection), database.label());
            if (problem.isPresent()) {
                throw new CommandFailure(CommandFailure.MISCONFIGURED, problem.get());
            }
            return "oxguardpass at " + file + " belongs to the cluster of " + database.label()
                    + " (current master key " + ring.current().id() + ", fingerprint " + ring.current().fingerprint().abbreviated() + ")";
        } catch (SQLException e) {
            throw new CommandFailure(1, "database " + database.label() + " failed (" + Database.firstLine(e) + ")");
        } finally {
            ring.destroy();
        }
    }
}
