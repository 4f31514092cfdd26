package io.guardcluster.cli.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Finds the output of the {@code servers} Maven module: the Infinispan server's classpath file and the
 * S3Proxy jar. These are third-party servers resolved from Maven Central by that module (neither is a
 * dependency of the CLI itself, to keep the CLI small and the server's dependency tree untouched).
 */
public final class ServersDir {

    /** System property naming the directory (set by the parent POM's surefire configuration). */
    public static final String PROPERTY = "guard.servers.dir";
    /** Environment variable naming the directory. */
    public static final String ENV = "GUARD_SERVERS_DIR";

    static final String INFINISPAN_CLASSPATH = "infinispan-server.classpath";
    static final String S3PROXY_JAR = "s3proxy.jar";
    static final String BUILD_HINT = "Build it with `./mvnw -pl servers package` from the project root, or point -D"
            + PROPERTY + " / " + ENV + " at a directory holding " + INFINISPAN_CLASSPATH + " and " + S3PROXY_JAR + ".";

    private ServersDir() {
    }

    /**
     * The servers directory: system property {@value #PROPERTY}, else environment variable {@value #ENV},
     * else the first {@code servers/target} found walking up from the working directory.
     *
     * @throws IllegalStateException with instructions if there is none
     */
    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        String source = "system property " + PROPERTY;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENV);
            source = "environment variable " + ENV;
        }
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("The servers directory " + dir + " (from " + source
                        + ") does not exist. " + BUILD_HINT);
            }
            return dir;
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("servers").resolve("target");
            if (Files.isRegularFile(candidate.resolve(INFINISPAN_CLASSPATH))
                    || Files.isRegularFile(candidate.resolve(S3PROXY_JAR))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find the servers directory (servers/target with "
                + INFINISPAN_CLASSPATH + " and " + S3PROXY_JAR + ") above " + start + ". " + BUILD_HINT);
    }

    /** {@code dir/name}, or an exception saying how to build it. */
    static Path require(Path serversDir, String name) throws IOException {
        Path file = serversDir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "missing. " + BUILD_HINT);
        }
        return file;
    }
}
