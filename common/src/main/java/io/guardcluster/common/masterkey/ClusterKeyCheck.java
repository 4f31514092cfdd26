package io.guardcluster.common.masterkey;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a node's {@code oxguardpass} belongs to the cluster, given the fingerprints that
 * {@code guard init} (and later rotations) stored in the database. Pure, so the services' startup
 * check and {@code guard verify} give the same verdict in the same words.
 */
public final class ClusterKeyCheck {

    private ClusterKeyCheck() {
    }

    /**
     * @param file          where the ring was read from (for the message)
     * @param ring          the node's keys
     * @param registered    key id → fingerprint, as stored in the database; empty if uninitialised
     * @param databaseLabel how to name the database in a message (host/schema, never credentials)
     * @return empty if the file belongs to the cluster, else the one-line reason with the fix
     */
    public static Optional<String> problem(Path file, MasterKeyRing ring, Map<Integer, MasterKeyFingerprint> registered,
            String databaseLabel) {
        if (registered.isEmpty()) {
            return Optional.of("database " + databaseLabel + " has not been initialised for Guard (no master key fingerprint)"
                    + ": run 'guard init' once for this cluster, then copy its oxguardpass to every node");
        }
        for (Map.Entry<Integer, MasterKeyFingerprint> entry : registered.entrySet()) {
            Optional<MasterKey> mine = ring.byId(entry.getKey());
            if (mine.isEmpty()) {
                return Optional.of("oxguardpass at " + file + " lacks master key " + entry.getKey() + " that this cluster uses"
                        + ": copy the file from the node where 'guard init' ran");
            }
            if (!mine.get().fingerprint().matches(entry.getValue())) {
                return Optional.of("oxguardpass at " + file + " does not belong to this cluster (fingerprint "
                        + mine.get().fingerprint().abbreviated() + " expected " + entry.getValue().abbreviated()
                        + "): copy the file from the node where 'guard init' ran");
            }
        }
        if (!registered.containsKey(ring.current().id())) {
            return Optional.of("oxguardpass at " + file + " makes master key " + ring.current().id()
                    + " current, but this cluster's database does not know that key"
                    + ": copy the cluster's current file from the node where 'guard init' ran");
        }
        return Optional.empty();
    }
}
