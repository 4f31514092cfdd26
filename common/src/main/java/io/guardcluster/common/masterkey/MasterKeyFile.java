package io.guardcluster.common.masterkey;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes {@code oxguardpass}, the cluster's master secret file.
 *
 * <h2>Format, version 1</h2>
 * A UTF-8 text file of {@code name=value} lines; {@code #} starts a comment line, blank lines are
 * ignored. Exactly these names, each once, in any order:
 * <pre>
 * format=guard-oxguardpass/1
 * current=1                      # id of the key that seals new data
 * key.1=&lt;base64 of 32 bytes&gt;   # one line per key; ids are positive integers
 * </pre>
 * Every key has an id, which sealed data carries, so a second key can be added and made current
 * later while data sealed under the first still opens. Unknown names are an error (a typo must not
 * silently drop a key).
 */
public final class MasterKeyFile {

    /** The value of the {@code format} line this code reads and writes. */
    public static final String FORMAT_V1 = "guard-oxguardpass/1";

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private MasterKeyFile() {
    }

    /** Generates a fresh ring with one 256-bit key (id 1) from {@code random}. */
    public static MasterKeyRing generate(SecureRandom random) {
        byte[] secret = new byte[MasterKey.LENGTH];
        random.nextBytes(secret);
        try {
            return MasterKeyRing.of(new MasterKey(1, secret));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Reads and validates the file.
     *
     * @throws MasterKeyFileException with a one-line message naming the problem and the fix
     */
    public static MasterKeyRing read(Path file) throws MasterKeyFileException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new MasterKeyFileException("oxguardpass not found at " + file
                    + ": copy the file from the node where 'guard init' ran (or run 'guard init' once for a new cluster)");
        } catch (AccessDeniedException e) {
            throw new MasterKeyFileException("oxguardpass at " + file + " is not readable by this process"
                    + ": make it readable by the service's user (mode 0600, owned by that user)");
        } catch (IOException e) {
            throw new MasterKeyFileException("oxguardpass at " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "): check the path and the mount", e);
        }
        return parse(file, lines);
    }

    static MasterKeyRing parse(Path file, List<String> lines) throws MasterKeyFileException {
        String format = null;
        Integer current = null;
        Map<Integer, MasterKey> keys = new LinkedHashMap<>();
        try {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw malformed(file, "line " + (i + 1) + " is not name=value");
                }
                String name = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (name.equals("format")) {
                    if (format != null) {
                        throw malformed(file, "'format' appears twice");
                    }
                    format = value;
                } else if (name.equals("current")) {
                    if (current != null) {
                        throw malformed(file, "'current' appears twice");
                    }
                    current = parseId(file, value, "line " + (i + 1) + ": 'current'");
                } else if (name.startsWith("key.")) {
                    int id = parseId(file, name.substring(4), "line " + (i + 1) + ": key id");
                    if (keys.containsKey(id)) {
                        throw malformed(file, "key." + id + " appears twice");
                    }
                    keys.put(id, decodeKey(file, id, value));
                } else {
                    // Echo the name only if it looks like one: a stray base64 key contains '=' too.
                    throw malformed(file, "line " + (i + 1) + " has unknown name"
                            + (name.matches("[A-Za-z][A-Za-z0-9._-]{0,15}") ? " '" + name + "'" : ""));
                }
            }
            if (format == null) {
                throw malformed(file, "no 'format' line (expected format=" + FORMAT_V1 + ")");
            }
            if (!format.equals(FORMAT_V1)) {
                throw new MasterKeyFileException("oxguardpass at " + file + " has format '" + printable(format)
                        + "', this version reads " + FORMAT_V1 + ": upgrade the service or use the cluster's current file");
            }
            if (keys.isEmpty()) {
                throw malformed(file, "it holds no key.N line");
            }
            if (current == null) {
                throw malformed(file, "no 'current' line");
            }
            if (!keys.containsKey(current)) {
                throw malformed(file, "'current' names key " + current + ", which the file does not hold");
            }
            return new MasterKeyRing(keys, current);
        } catch (MasterKeyFileException e) {
            keys.values().forEach(MasterKey::destroy);
            throw e;
        }
    }

    private static int parseId(Path file, String value, String what) throws MasterKeyFileException {
        try {
            int id = Integer.parseInt(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw malformed(file, what + " is not a positive integer");
    }

    private static MasterKey decodeKey(Path file, int id, String value) throws MasterKeyFileException {
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw malformed(file, "key." + id + " is not valid base64");
        }
        try {
            if (secret.length != MasterKey.LENGTH) {
                throw malformed(file, "key." + id + " is " + secret.length + " bytes, expected " + MasterKey.LENGTH);
            }
            return new MasterKey(id, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static MasterKeyFileException malformed(Path file, String what) {
        return new MasterKeyFileException("oxguardpass at " + file + " is malformed (" + what
                + "): restore the file from the node where 'guard init' ran; never edit it by hand");
    }

    private static String printable(String s) {
        String cut = s.length() > 32 ? s.substring(0, 32) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The file's text; only {@link #createNew} writes it. */
    static String render(MasterKeyRing ring, Instant createdAt) {
        StringBuilder out = new StringBuilder()
                .append("# oxguardpass: the master secret of one Guard cluster, created by 'guard keygen' or 'guard init' at ")
                .append(createdAt).append('\n')
                .append("# Every node of the cluster needs this exact file (mode 0600). Never edit it by hand:\n")
                .append("# it seals recovery data and cached keys, and nothing sealed with it can be opened without it.\n")
                .append("format=").append(FORMAT_V1).append('\n')
                .append("current=").append(ring.current().id()).append('\n');
        for (MasterKey key : ring.keys().values()) {
            byte[] secret = key.secretForFile();
            out.append("key.").append(key.id()).append('=').append(Base64.getEncoder().encodeToString(secret)).append('\n');
            Arrays.fill(secret, (byte) 0);
        }
        return out.toString();
    }

    /**
     * Writes {@code ring} to {@code target}, which must not exist: mode 0600 from the first byte,
     * written and fsynced under a temporary name, then hard-linked into place. A link never
     * replaces an existing file, so two concurrent writers cannot overwrite each other's key; a
     * crash leaves at most a temporary file, never a half-written {@code oxguardpass}.
     *
     * @throws FileAlreadyExistsException if {@code target} exists (nothing is changed)
     */
    public static void createNew(Path target, MasterKeyRing ring, Instant createdAt) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path tmp = Files.createTempFile(dir, ".oxguardpass-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            byte[] text = render(ring, createdAt).getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(text);
            } finally {
                Arrays.fill(text, (byte) 0);
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.createLink(target, tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** True if group or others may read the file (a secret mounted too openly); callers warn. */
    public static boolean isReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            return perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
