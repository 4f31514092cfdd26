package io.guardcluster.cli.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A MariaDB server (Debian's {@code mariadb-server} package) run as a plain process on 127.0.0.1.
 *
 * <p>Everything lives in one directory: {@code data/} (the datadir), the server's socket, pid file and
 * error log, and the generated credentials. Starting again on the same directory and port therefore
 * finds the same data and the same user, which is how tests simulate "database down, then back".
 *
 * <p>Administration goes through the unix socket as the OS user (unix_socket authentication, no root
 * password exists at all); applications get a dedicated user with a random password and privileges on
 * their database only, and connect over TCP.
 */
public final class MariaDbServer extends RunningServer {

    private static final System.Logger LOG = System.getLogger(MariaDbServer.class.getName());

    /** Name used in messages and for {@link ManagedProcess#attach(String, Path)}. */
    public static final String NAME = "mariadb";
    /** The application user created by {@link #start}. */
    public static final String USER = "guard";

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
    private static final String INSTALL_HINT = "Install it with: apt-get install -y mariadb-server";
    private static final String[] SEARCH_DIRS = {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"};
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    /** Unix socket paths are limited to 108 bytes (sun_path); keep well below. */
    private static final int MAX_SOCKET_PATH = 100;

    private final int port;
    private final String database;
    private final String password;
    private final Path socket;

    private MariaDbServer(LocalProcess process, int port, String database, String password, Path socket) {
        super(NAME, process);
        this.port = port;
        this.database = database;
        this.password = password;
        this.socket = socket;
    }

    /** {@link #start(Path, int, String, Lifetime)} tied to this JVM (for tests). */
    public static MariaDbServer start(Path dir, int port, String database) throws IOException {
        return start(dir, port, database, Lifetime.THIS_JVM);
    }

    /**
     * Initialises {@code dir/data} if it holds no database yet, starts {@code mariadbd} on
     * 127.0.0.1:{@code port}, waits until it answers (up to 30 s) and then makes sure (idempotently)
     * that {@code database} exists and that user {@value #USER} can use it with the password stored in
     * {@code dir/credentials.properties} (generated on first start).
     *
     * @throws IOException if MariaDB is not installed (the message says what to install), the port is
     *                     taken, a server already runs on {@code dir}, or the server fails to start (the
     *                     message quotes the end of its error log)
     */
    public static MariaDbServer start(Path dir, int port, String database, Lifetime lifetime) throws IOException {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("Database name must match " + DATABASE_NAME + ": " + database);
        }
        Path mariadbd = tool("mariadbd");
        Path installDb = tool("mariadb-install-db");
        Path admin = tool("mariadb-admin");
        Path client = tool("mariadb");

        Path home = Launch.privateDir(dir.toAbsolutePath().normalize());
        Launch.requireNotRunning(NAME, home);
        Ports.requireFree("MariaDB", port);

        boolean root = isRoot();
        String osUser = System.getProperty("user.name");
        // As root, mariadbd refuses to start unless told which user to run as. We run it as root
        // rather than as 'mysql': the directory usually sits in a private tree (a JUnit @TempDir is
        // 0700) that the mysql account cannot enter. The server listens on loopback only.
        List<String> runAs = root ? List.of("--user=root") : List.of();

        Path dataDir = home.resolve("data");
        Path errorLog = home.resolve("error.log");
        if (!Files.isDirectory(dataDir.resolve("mysql"))) {
            initialise(installDb, home, dataDir, runAs, root ? "root" : osUser);
        }

        Path socket = socketPath(home);
        List<String> command = Stream.of(
                List.of(mariadbd.toString(), "--no-defaults"),
                runAs,
                List.of("--datadir=" + dataDir,
                        "--port=" + port,
                        "--bind-address=" + Ports.LOOPBACK,
                        "--socket=" + socket,
                        "--pid-file=" + home.resolve("mariadbd.pid"),
                        "--log-error=" + errorLog,
                        "--skip-name-resolve",
                        "--character-set-server=utf8mb4",
                        "--collation-server=utf8mb4_unicode_ci",
                        // A local/test instance: a small buffer pool keeps the footprint ~100 MB.
                        "--innodb-buffer-pool-size=64M")).flatMap(List::stream).toList();

        long t0 = System.nanoTime();
        LocalProcess process = Launch.spawn(NAME, command, home, home.resolve("mariadbd.out"), Map.of(), lifetime);
        String adminUser = root ? "root" : osUser;
        List<String> ping = List.of(admin.toString(), "--no-defaults", "--socket=" + socket, "--user=" + adminUser,
                "--connect-timeout=2", "ping");
        Launch.awaitReady(process, "MariaDB on port " + port, START_TIMEOUT,
                () -> Launch.run(ping, home, null, null, Duration.ofSeconds(10)) == 0,
                errorLog, home.resolve("mariadbd.out"));

        String password;
        try {
            password = Secrets.loadOrCreate(home, credentialGenerators()).get("password");
            provision(client, home, socket, adminUser, database, password);
        } catch (IOException | RuntimeException e) {
            process.stop();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "MariaDB started on {0}:{1,number,#} (pid {2,number,#}) in {3,number,#} ms, data in {4}",
                Ports.LOOPBACK, port, process.pid(), (System.nanoTime() - t0) / 1_000_000, dataDir);
        return new MariaDbServer(process, port, database, password, socket);
    }

    private static Map<String, Supplier<String>> credentialGenerators() {
        Map<String, Supplier<String>> g = new LinkedHashMap<>();
        g.put("user", () -> USER);
        g.put("password", () -> Secrets.password(24));
        return g;
    }

    private static void initialise(Path installDb, Path home, Path dataDir, List<String> runAs, String socketUser)
            throws IOException {
        if (Files.isDirectory(dataDir)) {
            try (Stream<Path> entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(dataDir + " is not empty but holds no MariaDB system database (no mysql/);"
                            + " remove it to start from scratch");
                }
            }
        }
        Path log = home.resolve("install.log");
        List<String> command = Stream.of(
                List.of(installDb.toString(), "--no-defaults"),
                runAs,
                List.of("--datadir=" + dataDir,
                        "--skip-test-db",
                        "--auth-root-authentication-method=socket",
                        // The OS user allowed to log in through the socket with all privileges.
                        "--auth-root-socket-user=" + socketUser)).flatMap(List::stream).toList();
        int code = Launch.run(command, home, log, null, TOOL_TIMEOUT);
        if (code != 0) {
            throw new IOException("mariadb-install-db failed with exit code " + code + " for " + dataDir + "."
                    + Launch.tails(log));
        }
    }

    private static void provision(Path client, Path home, Path socket, String adminUser, String database,
                                  String password) throws IOException {
        String account = "'" + USER + "'@'%'"; // '%': TCP from any loopback address; the server binds 127.0.0.1 only
        String sql = String.join("\n",
                "CREATE DATABASE IF NOT EXISTS `" + database + "`;",
                "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + password + "';",
                // Also when the user exists: credentials.properties is the source of truth.
                "ALTER USER " + account + " IDENTIFIED BY '" + password + "';",
                "GRANT ALL PRIVILEGES ON `" + database + "`.* TO " + account + ";",
                "");
        Path log = home.resolve("provision.log");
        int code = Launch.run(List.of(client.toString(), "--no-defaults", "--socket=" + socket,
                "--user=" + adminUser, "--batch"), home, log, sql, TOOL_TIMEOUT);
        if (code != 0) {
            // The client may echo the failing statement; never let the password reach a message.
            String output = Launch.tail(log, 20).replace(password, "****");
            Files.deleteIfExists(log);
            throw new IOException("Creating database " + database + " and user " + USER + " failed (exit code "
                    + code + "): " + output);
        }
        Files.deleteIfExists(log);
    }

    private static Path tool(String name) throws IOException {
        Optional<Path> path = Launch.findExecutable(name, SEARCH_DIRS);
        if (path.isEmpty()) {
            throw new IOException("MariaDB is not installed: '" + name + "' was found neither on PATH nor in "
                    + String.join(", ", SEARCH_DIRS) + ". " + INSTALL_HINT);
        }
        return path.get();
    }

    private static Path socketPath(Path home) {
        Path inDir = home.resolve("mysqld.sock");
        if (inDir.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
            return inDir;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(home.toString().getBytes(StandardCharsets.UTF_8));
            String name = "guard-mariadb-" + HexFormat.of().formatHex(hash, 0, 8) + ".sock";
            return Path.of(System.getProperty("java.io.tmpdir"), name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Always {@value Ports#LOOPBACK}. */
    public String host() {
        return Ports.LOOPBACK;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** The application user, {@value #USER}. */
    public String user() {
        return USER;
    }

    /** The application user's password (secret: do not log it). */
    public String password() {
        return password;
    }

    /** The server's unix socket (for administration as the OS user). */
    public Path socket() {
        return socket;
    }

    /** {@code jdbc:mariadb://127.0.0.1:PORT/DB}. */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + host() + ":" + port + "/" + database;
    }

    /** {@code mysql://127.0.0.1:PORT/DB}, for {@code quarkus.datasource.reactive.url}. */
    public String reactiveUrl() {
        return "mysql://" + host() + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "MariaDB " + jdbcUrl() + " (pid " + pid() + ")";
    }
}
