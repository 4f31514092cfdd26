package io.guardcluster.cli.stack;

import java.util.Locale;

/** Where the local stack's filestore-service keeps encrypted files ({@code guard.storage.type}). */
public enum Storage {

    /** A directory standing in for the NAS every replica mounts: {@code <state dir>/nas}. */
    FILE,
    /** S3Proxy, a real S3 API server, with bucket {@code guard-files}. */
    S3;

    /** The lower-case name used on the command line, in the state file and in the service's config. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Storage parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
