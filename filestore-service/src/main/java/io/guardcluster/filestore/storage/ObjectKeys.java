package io.guardcluster.filestore.storage;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The names objects are stored under. Callers generate them (a random UUID fits); the stores only
 * check them, because a key becomes part of a file path or an S3 key and must never be able to
 * point elsewhere ({@code ..}, {@code /}, the stores' own {@code .tmp}) or clash by case on a
 * case-insensitive share.
 */
public final class ObjectKeys {

    /**
     * 4 to 64 characters: lower-case letters, digits and {@code -}; the first four are letters or
     * digits because the NAS store fans objects out into directories named after them.
     */
    public static final Pattern VALID = Pattern.compile("[a-z0-9]{4}[a-z0-9-]{0,60}");

    private ObjectKeys() {
    }

    /** A fresh random key. */
    public static String random() {
        return UUID.randomUUID().toString();
    }

    /** @throws IllegalArgumentException if {@code key} is not a valid object key */
    public static String requireValid(String key) {
        if (key == null || !VALID.matcher(key).matches()) {
            // Keys are random identifiers, never secrets, so naming the bad one helps and costs nothing.
            throw new IllegalArgumentException("object key must match " + VALID.pattern() + ": " + key);
        }
        return key;
    }
}
