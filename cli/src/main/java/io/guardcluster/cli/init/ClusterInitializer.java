package io.guardcluster.cli.init;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

import io.guardcluster.common.masterkey.ClusterKeyCheck;
import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.common.masterkey.MasterKeyFileException;
import io.guardcluster.common.masterkey.MasterKeyFingerprint;
import io.guardcluster.common.masterkey.MasterKeyRing;

/**
 * Creates a new cluster: its {@code oxguardpass}, its schema, and the master key's fingerprint in
 * the database. Runs once per cluster and never replaces a master key.
 */
public final class ClusterInitializer {

    private static final int ER_DUP_ENTRY = 1062;

    private final Database database;
    private final SecureRandom random;
    private final Clock clock;

    public ClusterInitializer(Database database, SecureRandom random, Clock clock) {
        this.database = database;
        this.random = random;
        this.clock = clock;
    }

    /** What a successful init did. */
    public record Result(Path file, MasterKeyFingerprint fingerprint, int migrationsApplied) {
    }

    /**
     * <ol>
     * <li>Refuse if {@code file} exists, or if the database already has a master key fingerprint:
     * both checks come before any change, so a refused init leaves file and database as they were.</li>
     * <li>Generate the master key (256 bits, {@link SecureRandom}).</li>
     * <li>Migrate the schema (idempotent: an init that crashed after this step can simply be re-run).</li>
     * <li>Create the file: 0600, fsynced under a temporary name, then linked into place (never replaces).</li>
     * <li>Insert the fingerprint. If that fails (e.g. another node's concurrent init won the primary
     * key), delete the file created in step 4, so no node is left with a key the cluster does not know.</li>
     * </ol>
     */
    public Result init(Path file) {
        if (Files.exists(file)) {
            throw new CommandFailure(CommandFailure.REFUSED, "oxguardpass already exists at " + file
                    + ": this node already has a master key, and 'guard init' never replaces one (nothing was changed)."
                    + " To add a node to an existing cluster, copy the file from the node where 'guard init' ran.");
        }
        try (Connection connection = database.connect()) {
            Map<Integer, MasterKeyFingerprint> registered = database.registeredFingerprints(connection);
            if (!registered.isEmpty()) {
                throw new CommandFailure(CommandFailure.REFUSED, "database " + database.label()
                        + " is already initialised (master key fingerprint " + registered.values().iterator().next().abbreviated()
                        + "), nothing was changed: copy oxguardpass from the node where 'guard init' ran to " + file);
            }
            MasterKeyRing ring = MasterKeyFile.generate(random);
            try {
                int migrations = database.migrate();
                createFile(file, ring);
                try {
                    register(connection, ring);
                } catch (SQLException | RuntimeException e) {
                    deleteQuietly(file);
                    if (e instanceof SQLException sql && sql.getErrorCode() == ER_DUP_ENTRY) {
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

    private void createFile(Path file, MasterKeyRing ring) {
        try {
            MasterKeyFile.createNew(file, ring, clock.instant());
        } catch (FileAlreadyExistsException e) {
            throw new CommandFailure(CommandFailure.REFUSED, "oxguardpass appeared at " + file
                    + " while 'guard init' ran (another init?); it was left untouched");
        } catch (IOException e) {
            throw new CommandFailure(1, "cannot write oxguardpass to " + file + " (" + Database.firstLine(e)
                    + "): check that the directory is writable; the database holds no fingerprint yet, so 'guard init' can be re-run");
        }
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
