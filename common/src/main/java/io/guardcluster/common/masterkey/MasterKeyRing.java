package io.guardcluster.common.masterkey;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import javax.security.auth.Destroyable;

/**
 * All master keys of the cluster as read from {@code oxguardpass}: the {@linkplain #current()
 * current} one seals new data; older ones stay so data sealed under them can still be opened after
 * a rotation.
 */
public final class MasterKeyRing implements Destroyable {

    private final SortedMap<Integer, MasterKey> keys;
    private final int currentId;

    public MasterKeyRing(Map<Integer, MasterKey> keys, int currentId) {
        if (!keys.containsKey(currentId)) {
            throw new IllegalArgumentException("current master key " + currentId + " is not in the ring");
        }
        this.keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
        this.currentId = currentId;
    }

    /** A ring with a single, current key (what {@code guard init} creates). */
    public static MasterKeyRing of(MasterKey key) {
        return new MasterKeyRing(Map.of(key.id(), key), key.id());
    }

    public MasterKey current() {
        return keys.get(currentId);
    }

    public Optional<MasterKey> byId(int id) {
        return Optional.ofNullable(keys.get(id));
    }

    /** Every key by id, ascending. */
    public SortedMap<Integer, MasterKey> keys() {
        return keys;
    }

    @Override
    public void destroy() {
        keys.values().forEach(MasterKey::destroy);
    }

    @Override
    public boolean isDestroyed() {
        return keys.values().stream().allMatch(MasterKey::isDestroyed);
    }

    @Override
    public String toString() {
        return "MasterKeyRing[current=" + currentId + ", ids=" + keys.keySet() + "]";
    }
}
