package io.guardcluster.cli.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Generated credentials of the local servers, kept in an owner-only file in the server's directory
 * so that a restart (or a later {@code guard status}) finds the same ones.
 *
 * <p>Values are alphanumeric on purpose: they end up in SQL literals, Java properties files and
 * HTTP headers, none of which then needs escaping.
 */
final class Secrets {

    static final String FILE = "credentials.properties";

    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String UPPER_ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A random alphanumeric string; 24 characters carry about 143 bits. */
    static String password(int length) {
        return random(ALPHANUMERIC, length);
    }

    /** A random upper-case alphanumeric string (the shape of an AWS access key id). */
    static String upperToken(int length) {
        return random(UPPER_ALPHANUMERIC, length);
    }

    private static String random(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /**
     * Reads {@code dir/}{@value #FILE}, adds any missing key from {@code generators} and writes the file
     * back (atomically, mode 0600) if something was added. Returns all values.
     */
    static Map<String, String> loadOrCreate(Path dir, Map<String, Supplier<String>> generators) throws IOException {
        Path file = dir.resolve(FILE);
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(r);
            }
            restrict(file);
        }
        boolean changed = false;
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<String>> e : generators.entrySet()) {
            String v = props.getProperty(e.getKey());
            if (v == null || v.isBlank()) {
                v = e.getValue().get();
                props.setProperty(e.getKey(), v);
                changed = true;
            }
            values.put(e.getKey(), v);
        }
        if (changed) {
            writePrivate(file, w -> props.store(w, "Generated credentials of a local Guard stack server. Keep private."));
        }
        return values;
    }

    /** Writes a file only its owner can read, atomically (temp file created 0600, then renamed). */
    static void writePrivate(Path file, WriterAction action) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_RW));
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                action.write(w);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void writePrivate(Path file, String content) throws IOException {
        writePrivate(file, w -> w.write(content));
    }

    private static void restrict(Path file) throws IOException {
        if (!Files.getPosixFilePermissions(file).equals(OWNER_RW)) {
            Files.setPosixFilePermissions(file, OWNER_RW);
        }
    }

    @FunctionalInterface
    interface WriterAction {
        void write(Writer w) throws IOException;
    }
}
