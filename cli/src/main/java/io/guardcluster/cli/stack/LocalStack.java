package io.guardcluster.cli.stack;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.guardcluster.cli.init.ClusterInitializer;
import io.guardcluster.cli.init.CommandFailure;
import io.guardcluster.cli.init.Database;
import io.guardcluster.cli.stack.StackState.Entry;
import io.guardcluster.cli.stack.StackState.Kind;

/**
 * The local stack behind {@code guard up}, {@code guard down} and {@code guard status}: real MariaDB,
 * Infinispan and (for {@code --storage s3}) S3Proxy servers, the groupware backend emulator (a test
 * fixture standing in for the OX App Suite middleware, one instance) and N replicas of each service, all
 * as detached processes on 127.0.0.1 that outlive the CLI.
 *
 * <p>Everything lives in the state directory:
 * <pre>
 *   stack.properties   what runs (see {@link StackState}); the source of truth for down/status
 *   oxguardpass        the cluster's master key (created by the first up, reused afterwards)
 *   mariadb/ infinispan/ s3/   the servers' data, configuration and generated credentials (0600)
 *   nas/               the filestore's upload directory for --storage file (the "NAS")
 *   run/               the services' PID files and working directory
 *   logs/NAME.log      one log per process (for the servers, links to the server's own log)
 * </pre>
 * A second {@code up} reuses data, master key, ports and storage mode; {@code down} stops exactly the
 * recorded processes and keeps the data.
 */
public final class LocalStack {

    static final String DATABASE = "guard";
    static final String BUCKET = "guard-files";
    static final String MASTER_KEY_FILE = "oxguardpass";
    static final int DEFAULT_REPLICAS = 1;
    /** The groupware backend emulator's module, also its name in the stack and its log's base name. */
    static final String GROUPWARE_EMULATOR = "groupware-emulator";
    /** Where the emulator serves the OX HTTP API (as the middleware does behind its web server). */
    static final String GROUPWARE_API_PATH = "/appsuite/api";
    /** The emulator's demo users (groupware-emulator's application.properties); DEMO-ONLY passwords. */
    static final String DEMO_LOGINS = "alice/secret-alice, bob/secret-bob, carol/secret-carol";
    /** How long the services together get to report ready, counted from the first service's start. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private static final String READY_PATH = "/q/health/ready";
    private static final String LOCK_FILE = ".lock";
    private static final String BUILD_HINT = "run ./mvnw -DskipTests install";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** How long stopping an abandoned up waits for launches under way (the launchers time out sooner). */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);
    private static final int FAILURE_LOG_LINES = 30;
    private static final String HEALTH_DOWN_LOG_ID = "SRHCK01001";
    /**
     * The services' heap cap: ~10 JVMs share a developer machine. Quarkus needs far less; the cap keeps
     * a runaway replica from starving the others.
     */
    private static final String SERVICE_HEAP = "-Xmx384m";
    /** The emulator keeps a few sessions in memory and nothing else. */
    private static final String EMULATOR_HEAP = "-Xmx128m";

    private final Path home;
    private final Path stateDir;
    private final PrintWriter out;
    private final PrintWriter err;
    /** Set once 'up' gave up (failure or Ctrl+C) and stops what it started; later failures stay quiet. */
    private final AtomicBoolean abandoned = new AtomicBoolean();
    /** Guards {@link #startsInFlight} and the setting of {@link #abandoned}. */
    private final Object startsLock = new Object();
    /** Launches under way, each with the recording of its PID (see {@link #tracked}). */
    private int startsInFlight;
    /** Set once every service is ready: from then on the stack is the developer's, a Ctrl+C leaves it running. */
    private volatile boolean handedOver;

    /**
     * @param home     the project root (built services under {@code <module>/target/quarkus-app},
     *                 servers under {@code servers/target}); only {@link #up} needs it, may be null otherwise
     * @param stateDir where the stack keeps everything it writes
     */
    public LocalStack(Path home, Path stateDir, PrintWriter out, PrintWriter err) {
        this.home = home;
        this.stateDir = stateDir;
        this.out = out;
        this.err = err;
    }

    // ------------------------------------------------------------------------------------------ up

    /**
     * Starts the stack and returns once every service reports ready (0), or fails after stopping what
     * it started. A {@code null} option means "as the previous up in this state directory chose, else
     * the default".
     *
     * @throws CommandFailure exit code 3 if the recorded stack still runs, 2 for unusable options,
     *                        1 if something could not be started or did not become ready, 78 if the
     *                        state directory's oxguardpass does not belong to its database
     */
    public int up(Integer requestedReplicas, Storage requestedStorage, Integer requestedBasePort) throws IOException {
        // Measured from the CLI's own start: what a developer waits for after typing the command.
        Instant began = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
        Launch.privateDir(stateDir);
        try (StateLock ignored = StateLock.acquire(stateDir)) {
            Optional<StackState> previous = StackState.load(stateDir);
            if (previous.isPresent()) {
                refuseIfRunning(previous.get());
            }
            Storage storage = Optional.ofNullable(requestedStorage)
                    .orElse(previous.map(StackState::storage).orElse(Storage.FILE));
            int replicas = Optional.ofNullable(requestedReplicas)
                    .orElse(previous.map(StackState::replicas).orElse(DEFAULT_REPLICAS));
            int basePort = Optional.ofNullable(requestedBasePort)
                    .orElse(previous.map(StackState::basePort).orElse(StackPorts.DEFAULT_BASE));
            if (replicas < 1 || replicas > StackPorts.MAX_REPLICAS) {
                throw new CommandFailure(2, "--replicas must be between 1 and " + StackPorts.MAX_REPLICAS + ", not " + replicas);
            }
            StackPorts.problem(basePort, replicas).ifPresent(problem -> {
                throw new CommandFailure(2, problem);
            });

            // Everything that can be checked without starting anything is checked first: a failed up
            // should leave nothing behind, and fail in a second rather than after the servers started.
            Path serversDir = serversDir(storage);
            Map<StackService, Path> jars = serviceJars();
            Path emulatorJar = quarkusJar(GROUPWARE_EMULATOR);
            StackState state = new StackState(stateDir, storage, replicas, basePort);
            requirePortsFree(state);

            Launch.privateDir(stateDir.resolve("logs"));
            Launch.privateDir(stateDir.resolve("run"));
            state.save();
            out.printf("starting the local stack in %s: %d replica(s) per service, storage %s%n",
                    stateDir, replicas, storage.id());
            return run(state, serversDir, jars, emulatorJar, began);
        }
    }

    private int run(StackState state, Path serversDir, Map<StackService, Path> jars, Path emulatorJar,
                    Instant began) throws IOException {
        // Ctrl+C on 'guard up' must not leave a half-started stack behind: the processes are detached
        // (a terminal's SIGINT does not reach them), so stop them from a shutdown hook.
        Thread hook = new Thread(() -> {
            if (!handedOver) {
                abandon(state, "guard up was interrupted");
            }
        }, "guard-up-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Servers servers = startServers(state, serversDir);
            String masterKey = masterKey(servers.mariadb());
            out.println(masterKey);
            List<ServiceProcess> processes = new ArrayList<>();
            // Before the services: the gateway's requests go to it. Its readiness is awaited with theirs.
            processes.add(startGroupwareEmulator(state, emulatorJar));
            processes.addAll(startServices(state, servers, jars));
            awaitReady(processes);
            handedOver = true;
        } catch (IOException | RuntimeException e) {
            if (abandoned.get()) {
                // Interrupted: whatever failed here failed because the hook is stopping the stack.
                throw new CommandFailure(1, "interrupted");
            }
            throw e;
        } finally {
            if (!handedOver) {
                abandon(state, "guard up failed");
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs now (Ctrl+C); it stops what was started.
            }
        }
        printTable(state, began);
        return 0;
    }

    /**
     * Stops everything recorded, once, whichever of failure path and shutdown hook comes first.
     * Synchronized so that a hook arriving during the failure path's stop waits for it to finish (the
     * JVM halts as soon as the hooks return).
     */
    private synchronized void abandon(StackState state, String why) {
        synchronized (startsLock) {
            if (!abandoned.compareAndSet(false, true)) {
                return;
            }
        }
        err.println(why + ": stopping what it started (data and logs are kept in " + stateDir + ")");
        err.flush();
        awaitStartsDrained();
        try {
            List<String> problems = stopAll(state, false);
            if (problems.isEmpty()) {
                state.forgetProcesses();
            } else {
                err.println("could not stop: " + String.join("; ", problems) + " (try ./guard down)");
            }
        } catch (IOException | RuntimeException e) {
            err.println("could not stop everything (" + e.getMessage() + "): run ./guard down");
        }
        err.flush();
    }

    @FunctionalInterface
    private interface StartAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs one launch together with the recording of its PID, unless this up was abandoned. Launches
     * happen on other threads than the shutdown hook's, and a JVM keeps running them while the hook
     * runs: {@link #abandon} therefore first forbids new launches, then waits for those under way, so
     * that every process is either recorded before the stop reads the state file, or never started.
     */
    private <T> T tracked(StartAction<T> action) throws IOException {
        synchronized (startsLock) {
            if (abandoned.get()) {
                throw new CommandFailure(1, "interrupted");
            }
            startsInFlight++;
        }
        try {
            return action.run();
        } finally {
            synchronized (startsLock) {
                startsInFlight--;
                startsLock.notifyAll();
            }
        }
    }

    private void awaitStartsDrained() {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        synchronized (startsLock) {
            while (startsInFlight > 0) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    return;
                }
                try {
                    startsLock.wait(leftMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void refuseIfRunning(StackState state) throws IOException {
        List<String> alive = new ArrayList<>();
        for (Entry e : state.processes()) {
            attach(e).ifPresent(p -> alive.add(e.name() + " pid " + p.pid()));
        }
        if (!alive.isEmpty()) {
            throw new CommandFailure(CommandFailure.REFUSED, "the stack in " + stateDir + " is still running ("
                    + alive.size() + " of " + state.processes().size() + " recorded processes alive, e.g. "
                    + alive.get(0) + "): see ./guard status, or stop it with ./guard down");
        }
    }

    /** $GUARD_HOME/servers/target unless a servers directory is configured explicitly (tests do). */
    private Path serversDir(Storage storage) throws IOException {
        Path dir;
        Path built = home.resolve("servers").resolve("target");
        if (System.getProperty(ServersDir.PROPERTY) == null && System.getenv(ServersDir.ENV) == null
                && Files.isDirectory(built)) {
            dir = built;
        } else {
            try {
                dir = ServersDir.locate();
            } catch (IllegalStateException e) {
                throw new CommandFailure(1, e.getMessage());
            }
        }
        ServersDir.require(dir, ServersDir.INFINISPAN_CLASSPATH);
        if (storage == Storage.S3) {
            ServersDir.require(dir, ServersDir.S3PROXY_JAR);
        }
        return dir;
    }

    private Map<StackService, Path> serviceJars() {
        Map<StackService, Path> jars = new LinkedHashMap<>();
        for (StackService s : StackService.values()) {
            jars.put(s, quarkusJar(s.module));
        }
        return jars;
    }

    /** The module's Quarkus fast-jar, which must have been built. */
    private Path quarkusJar(String module) {
        Path jar = home.resolve(module).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new CommandFailure(1, module + " is not built (no " + jar + "): " + BUILD_HINT);
        }
        return jar;
    }

    private static void requirePortsFree(StackState state) {
        StackPorts ports = state.ports();
        Map<Integer, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < state.replicas(); i++) {
            for (StackService s : StackService.values()) {
                wanted.put(ports.service(s, i), s.replicaName(i));
            }
        }
        wanted.put(ports.groupwareEmulator(), GROUPWARE_EMULATOR);
        wanted.put(ports.mariadb(), MariaDbServer.NAME);
        wanted.put(ports.infinispan(), InfinispanServer.NAME);
        if (state.storage() == Storage.S3) {
            wanted.put(ports.s3proxy(), S3ProxyServer.NAME);
        }
        List<String> taken = wanted.entrySet().stream().filter(e -> !Ports.isFree(e.getKey()))
                .map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
        if (!taken.isEmpty()) {
            int suggestion = state.basePort() + 1000;
            throw new CommandFailure(1, "port" + (taken.size() == 1 ? " " : "s ") + String.join(", ", taken)
                    + " already in use on " + Ports.LOOPBACK + ": stop what holds " + (taken.size() == 1 ? "it" : "them")
                    + ", or move the whole stack with --base-port (e.g. --base-port " + suggestion + ": gateway "
                    + new StackPorts(suggestion).service(StackService.GATEWAY, 0) + ", MariaDB "
                    + new StackPorts(suggestion).mariadb() + "; the default base is " + StackPorts.DEFAULT_BASE + ")");
        }
    }

    // ------------------------------------------------------------------------------------- servers

    private record Servers(MariaDbServer mariadb, InfinispanServer infinispan, S3ProxyServer s3) {
    }

    @FunctionalInterface
    private interface ServerStart<T extends ManagedProcess> {
        T start() throws IOException;
    }

    /** The servers are independent of one another: start them in parallel (saves seconds on every up). */
    private Servers startServers(StackState state, Path serversDir) throws IOException {
        StackPorts ports = state.ports();
        // Recorded before they start (and in a fixed order, for down and status): if this CLI dies
        // while a server starts, 'down' still finds it, by the PID file its launcher writes.
        Entry mariadbEntry = recordServer(state, MariaDbServer.NAME, "mariadb", "error.log", ports.mariadb());
        Entry infinispanEntry = recordServer(state, InfinispanServer.NAME, "infinispan", "server.log", ports.infinispan());
        Entry s3Entry = state.storage() == Storage.S3
                ? recordServer(state, S3ProxyServer.NAME, "s3", "s3proxy.log", ports.s3proxy()) : null;
        Future<MariaDbServer> mariadb;
        Future<InfinispanServer> infinispan;
        Future<S3ProxyServer> s3 = null;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            mariadb = pool.submit(() -> startServer(state, mariadbEntry, "database " + DATABASE,
                    () -> MariaDbServer.start(stateDir.resolve("mariadb"), ports.mariadb(), DATABASE, Lifetime.DETACHED)));
            infinispan = pool.submit(() -> startServer(state, infinispanEntry, "Hot Rod + REST",
                    () -> InfinispanServer.start(stateDir.resolve("infinispan"), ports.infinispan(), serversDir,
                            Lifetime.DETACHED)));
            if (s3Entry != null) {
                s3 = pool.submit(() -> startServer(state, s3Entry, "bucket " + BUCKET,
                        () -> S3ProxyServer.start(stateDir.resolve("s3"), ports.s3proxy(), serversDir, BUCKET,
                                Lifetime.DETACHED)));
            }
        } // waits for all of them
        List<String> failures = new ArrayList<>();
        Servers servers = new Servers(result(mariadb, failures), result(infinispan, failures),
                s3 == null ? null : result(s3, failures));
        if (!failures.isEmpty()) {
            // The caller stops the servers that did start.
            throw new CommandFailure(1, String.join("\n", failures));
        }
        return servers;
    }

    private static <T> T result(Future<T> future, List<String> failures) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            failures.add(cause.getMessage() == null ? cause.toString() : cause.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add("interrupted");
            return null;
        }
    }

    private Entry recordServer(StackState state, String name, String dirName, String logName, int port)
            throws IOException {
        String log = linkLog(name, dirName + "/" + logName);
        Entry entry = new Entry(name, Kind.SERVER, 0, 0, port, dirName + "/" + ManagedProcess.PID_FILE, log);
        state.record(entry);
        return entry;
    }

    private <T extends ManagedProcess> T startServer(StackState state, Entry entry, String what, ServerStart<T> start)
            throws IOException {
        out.printf("starting %s on %s:%d (%s)%n", entry.name(), Ports.LOOPBACK, entry.port(), what);
        return tracked(() -> {
            T server = start.start();
            state.record(entry.started(server.pid(), startMillis(server.pid())));
            return server;
        });
    }

    /**
     * {@code logs/NAME.log} as a relative link to the server's own log, so that every process's log is
     * in one place although the launchers keep each server's log in its directory.
     */
    private String linkLog(String name, String target) throws IOException {
        Path link = stateDir.resolve("logs").resolve(name + ".log");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("..").resolve(target));
        return stateDir.relativize(link).toString();
    }

    private static long startMillis(long pid) {
        return ProcessHandle.of(pid).map(LocalProcess::startMillis).orElse(0L);
    }

    /**
     * The first up creates the cluster's master key (the same code as {@code guard init}); later ones
     * apply new schema migrations and make sure the key still belongs to this database, as a service
     * would at startup, but with the reason printed here instead of buried in eight logs.
     */
    private String masterKey(MariaDbServer mariadb) {
        Path file = stateDir.resolve(MASTER_KEY_FILE);
        Database database = new Database(mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
        try {
            if (Files.exists(file)) {
                int applied = database.migrate();
                String verdict = ClusterInitializer.verify(database, file);
                return "master key: " + verdict + (applied == 0 ? "" : "; applied " + applied + " new schema migration(s)");
            }
            ClusterInitializer.Result result = new ClusterInitializer(database, new SecureRandom(), Clock.systemUTC())
                    .init(file);
            return "master key: created " + result.file() + " (mode 0600, fingerprint "
                    + result.fingerprint().abbreviated() + "), applied " + result.migrationsApplied() + " schema migration(s)";
        } catch (CommandFailure e) {
            if (e.exitCode() == 1) {
                throw e;
            }
            // Refused or misconfigured: the database and the file no longer fit. Unlike a real cluster,
            // a developer's stack can simply start over.
            throw new CommandFailure(e.exitCode(), e.getMessage() + " (or start this local stack over, losing its data:"
                    + " ./guard down --purge)");
        }
    }

    // ------------------------------------------------------------------------------------ services

    private record ServiceProcess(String name, int port, LocalProcess process, Path log) {
    }

    /**
     * The groupware backend emulator: a test fixture standing in for the OX App Suite middleware that
     * the gateway checks sessions against. One instance whatever the replicas (the real middleware is
     * not part of the Guard cluster either).
     */
    private ServiceProcess startGroupwareEmulator(StackState state, Path jar) throws IOException {
        int port = state.ports().groupwareEmulator();
        out.printf("starting %s on %s (groupware backend emulator, test fixture)%n", GROUPWARE_EMULATOR,
                groupwareApiUrl(port));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_HOST", Ports.LOOPBACK);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("GUARD_EMULATOR_SMTP_PORT", Integer.toString(state.ports().groupwareSmtp()));
        return spawnQuarkus(state, GROUPWARE_EMULATOR, port, jar, EMULATOR_HEAP, env);
    }

    /** Starts one Quarkus fast-jar detached, recorded (before and after the start) in the state file. */
    private ServiceProcess spawnQuarkus(StackState state, String name, int port, Path jar, String heap,
                                        Map<String, String> env) throws IOException {
        Path runDir = stateDir.resolve("run");
        Path log = stateDir.resolve("logs").resolve(name + ".log");
        Path pidFile = runDir.resolve(name + ".pid");
        Entry entry = new Entry(name, Kind.SERVICE, 0, 0, port, stateDir.relativize(pidFile).toString(),
                stateDir.relativize(log).toString());
        state.record(entry);
        List<String> command = List.of(
                Launch.javaBinary().toString(),
                heap,
                "-XX:+ExitOnOutOfMemoryError",
                // Not read by the process: marks it as this stack's, so that `pgrep -f <state dir>`
                // finds every process of a stack (the servers name their directories in their
                // arguments anyway).
                "-Dguard.local-stack=" + stateDir,
                "-jar", jar.toString());
        LocalProcess process = tracked(() -> {
            LocalProcess p = Launch.spawn(name, command, runDir, pidFile, log, env, Lifetime.DETACHED);
            state.record(entry.started(p.pid(), startMillis(p.pid())));
            return p;
        });
        return new ServiceProcess(name, port, process, log);
    }

    private List<ServiceProcess> startServices(StackState state, Servers servers, Map<StackService, Path> jars)
            throws IOException {
        Path nas = Launch.privateDir(stateDir.resolve("nas"));
        StackPorts ports = state.ports();
        List<ServiceProcess> started = new ArrayList<>();
        out.printf("starting %d service process(es): %s%n", state.replicas() * StackService.values().length,
                Stream.of(StackService.values()).map(s -> s.module).collect(Collectors.joining(", "))
                        + (state.replicas() > 1 ? " x " + state.replicas() : ""));
        for (int i = 0; i < state.replicas(); i++) {
            for (StackService service : StackService.values()) {
                int port = ports.service(service, i);
                // Secrets (database, Infinispan, S3 credentials) go through the environment: argv is
                // world-readable in ps, /proc/PID/environ is not.
                Map<String, String> env = environment(service, port, state, servers, nas);
                started.add(spawnQuarkus(state, service.replicaName(i), port, jars.get(service), SERVICE_HEAP, env));
            }
        }
        return started;
    }

    private Map<String, String> environment(StackService service, int port, StackState state, Servers servers,
                                            Path nas) {
        Map<String, String> env = new LinkedHashMap<>();
        // Quarkus listens on all interfaces by default; a developer's stack stays on loopback.
        env.put("QUARKUS_HTTP_HOST", Ports.LOOPBACK);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        MariaDbServer db = servers.mariadb();
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", db.reactiveUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", db.user());
        env.put("QUARKUS_DATASOURCE_PASSWORD", db.password());
        env.put("GUARD_MASTER_KEY_FILE", stateDir.resolve(MASTER_KEY_FILE).toString());
        if (service == StackService.KEY_SERVICE) {
            // Password reset mails go to the emulator's SMTP sink (GET /emulator/mails shows them).
            env.put("QUARKUS_MAILER_HOST", Ports.LOOPBACK);
            env.put("QUARKUS_MAILER_PORT", Integer.toString(state.ports().groupwareSmtp()));
        }
        if (service.usesInfinispan) {
            InfinispanServer ispn = servers.infinispan();
            env.put("QUARKUS_INFINISPAN_CLIENT_HOSTS", ispn.hosts());
            env.put("QUARKUS_INFINISPAN_CLIENT_USERNAME", ispn.username());
            env.put("QUARKUS_INFINISPAN_CLIENT_PASSWORD", ispn.password());
            env.put("QUARKUS_INFINISPAN_CLIENT_SASL_MECHANISM", InfinispanServer.SASL_MECHANISM);
        }
        if (service == StackService.FILESTORE_SERVICE) {
            env.put("GUARD_STORAGE_TYPE", state.storage().id());
            env.put("GUARD_STORAGE_FILE_UPLOAD_DIRECTORY", nas.toString());
            if (state.storage() == Storage.S3) {
                S3ProxyServer s3 = servers.s3();
                env.put("GUARD_STORAGE_S3_BUCKET", s3.bucket());
                env.put("QUARKUS_S3_ENDPOINT_OVERRIDE", s3.endpoint());
                env.put("QUARKUS_S3_AWS_REGION", s3.region());
                env.put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", s3.accessKey());
                env.put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", s3.secretKey());
                // Explicitly: the service's own default is the AWS default chain, which ignores the keys above.
                env.put("QUARKUS_S3_AWS_CREDENTIALS_TYPE", "static");
            }
        }
        if (service == StackService.FILESTORE_SERVICE || service == StackService.MAIL_SERVICE) {
            // Private-key operations go to key-service; Stork balances over its replicas.
            env.put("QUARKUS_STORK_KEY_SERVICE_SERVICE_DISCOVERY_TYPE", "static");
            env.put("QUARKUS_STORK_KEY_SERVICE_SERVICE_DISCOVERY_ADDRESS_LIST",
                    addresses(state.ports(), state.replicas(), StackService.KEY_SERVICE));
        }
        if (service == StackService.MAIL_SERVICE) {
            // Guest messages live in filestore-service; mail is read and sent through the groupware (the emulator's
            // cookie-routing front, as the user's own session), guest replies go out by SMTP (its sink).
            env.put("QUARKUS_STORK_FILESTORE_SERVICE_SERVICE_DISCOVERY_TYPE", "static");
            env.put("QUARKUS_STORK_FILESTORE_SERVICE_SERVICE_DISCOVERY_ADDRESS_LIST",
                    addresses(state.ports(), state.replicas(), StackService.FILESTORE_SERVICE));
            env.put("GUARD_BACKEND_URL", groupwareApiUrl(state.ports().groupwareEmulator()));
            env.put("GUARD_BACKEND_REST_URL", httpUrl(state.ports().groupwareEmulator()));
            env.put("GUARD_MAIL_GUESTS_PUBLIC_URL", httpUrl(state.ports().service(StackService.GATEWAY, 0)));
            env.put("QUARKUS_MAILER_HOST", Ports.LOOPBACK);
            env.put("QUARKUS_MAILER_PORT", Integer.toString(state.ports().groupwareSmtp()));
        }
        if (service == StackService.GATEWAY) {
            env.putAll(gatewayRouting(state.ports(), state.replicas()));
        }
        return env;
    }

    /**
     * Where the gateway sends requests: every replica of each backend service
     * ({@code guard.gateway.services.<service>.urls}, comma-separated) and the groupware backend it
     * checks the users' sessions against ({@code guard.gateway.backend.url}), here the emulator.
     */
    static Map<String, String> gatewayRouting(StackPorts ports, int replicas) {
        Map<String, String> env = new LinkedHashMap<>();
        for (StackService backend : StackService.values()) {
            if (backend != StackService.GATEWAY) {
                env.put("GUARD_GATEWAY_SERVICES_" + envName(backend.module) + "_URLS", urls(ports, replicas, backend));
            }
        }
        env.put("GUARD_GATEWAY_BACKEND_URL", groupwareApiUrl(ports.groupwareEmulator()));
        return env;
    }

    private static String urls(StackPorts ports, int replicas, StackService service) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            urls.add(httpUrl(ports.service(service, i)));
        }
        return String.join(",", urls);
    }

    /** host:port of every replica of {@code service}, comma-separated (Stork's static list). */
    private static String addresses(StackPorts ports, int replicas, StackService service) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            addresses.add(Ports.LOOPBACK + ":" + ports.service(service, i));
        }
        return String.join(",", addresses);
    }

    /** A property-name segment as MicroProfile Config's environment variable: key-service → KEY_SERVICE. */
    private static String envName(String segment) {
        return segment.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String httpUrl(int port) {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    static String groupwareApiUrl(int port) {
        return httpUrl(port) + GROUPWARE_API_PATH;
    }

    /**
     * Polls every service's readiness until all answer 200. Fails at once if a service exits, or after
     * {@link #READY_TIMEOUT}, naming the culprits with their last readiness answer and log tail.
     */
    private void awaitReady(List<ServiceProcess> services) throws IOException {
        out.printf("waiting for the services and the emulator to report ready (%s, up to %d s)%n", READY_PATH, READY_TIMEOUT.toSeconds());
        out.flush();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        List<ServiceProcess> waiting = new ArrayList<>(services);
        Map<String, String> lastAnswer = new LinkedHashMap<>();
        try (HttpClient http = httpClient()) {
            while (true) {
                List<ServiceProcess> dead = waiting.stream().filter(s -> !s.process().isAlive()).toList();
                if (!dead.isEmpty()) {
                    failReadiness(dead, s -> "exited" + s.process().exitCode().map(c -> " with code " + c).orElse("")
                            + " during start-up", lastAnswer);
                }
                Map<ServiceProcess, CompletableFuture<Probe>> probes = new LinkedHashMap<>();
                for (ServiceProcess s : waiting) {
                    probes.put(s, probe(http, s.port()));
                }
                for (Map.Entry<ServiceProcess, CompletableFuture<Probe>> p : probes.entrySet()) {
                    Probe answer = p.getValue().join();
                    if (answer.ready()) {
                        waiting.remove(p.getKey());
                    } else {
                        lastAnswer.put(p.getKey().name(), answer.summary());
                    }
                }
                if (waiting.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    failReadiness(waiting, s -> "not ready within " + READY_TIMEOUT.toSeconds() + " s", lastAnswer);
                }
                Launch.sleep(POLL_INTERVAL);
            }
        }
    }

    private void failReadiness(List<ServiceProcess> failed, Function<ServiceProcess, String> why,
                               Map<String, String> lastAnswer) {
        if (abandoned.get()) {
            // Interrupted: the shutdown hook is stopping the services, their deaths are no news.
            throw new CommandFailure(1, "interrupted");
        }
        for (ServiceProcess s : failed) {
            err.printf("%s (pid %d, port %d) %s; last readiness answer: %s%n", s.name(), s.process().pid(), s.port(),
                    why.apply(s), lastAnswer.getOrDefault(s.name(), "none"));
            String tail = failureTail(s.log());
            if (!tail.isBlank()) {
                err.printf("--- last lines of %s ---%n%s%n---%n", s.log(), tail);
            }
        }
        err.flush();
        throw new CommandFailure(1, "the stack did not become ready (" + failed.stream().map(ServiceProcess::name)
                .collect(Collectors.joining(", ")) + "); everything this up started was stopped, logs are in "
                + stateDir.resolve("logs"));
    }

    /**
     * The end of a service's log without SmallRye Health's "Reporting health down status" lines: the
     * service logs one for each of our probes, and they would push the actual cause out of view (the
     * last readiness answer is printed anyway).
     */
    private static String failureTail(Path log) {
        List<String> lines = Launch.tail(log, FAILURE_LOG_LINES * 20).lines()
                .filter(line -> !line.contains(HEALTH_DOWN_LOG_ID)).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - FAILURE_LOG_LINES), lines.size()));
    }

    /** One readiness answer: the HTTP status and (shortened) body, or why there was none. */
    private record Probe(int status, String detail) {

        boolean ready() {
            return status == 200;
        }

        String summary() {
            return status == 0 ? detail : "HTTP " + status + (detail.isBlank() ? "" : " " + detail);
        }
    }

    private static CompletableFuture<Probe> probe(HttpClient http, int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl(port) + READY_PATH))
                .timeout(PROBE_TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Probe(r.statusCode(), oneLine(r.body(), 400)))
                .exceptionally(e -> new Probe(0, "no answer (" + rootCause(e).getClass().getSimpleName() + ")"));
    }

    private static HttpClient httpClient() {
        // HTTP/1.1: the JDK client would otherwise try an h2c upgrade on every probe.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PROBE_TIMEOUT).build();
    }

    private static Throwable rootCause(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e;
    }

    private static String oneLine(String s, int max) {
        String flat = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }

    private void printTable(StackState state, Instant began) {
        out.println();
        out.printf("%-20s %-8s %-44s %s%n", "NAME", "PID", "ADDRESS", "LOG");
        StackPorts ports = state.ports();
        for (Entry e : state.processes()) {
            out.printf("%-20s %-8d %-44s %s%n", e.name(), e.pid(), address(e, ports), stateDir.resolve(e.log()));
        }
        out.println();
        out.printf("gateway:  %s%n", httpUrl(ports.service(StackService.GATEWAY, 0)));
        out.printf("groupware backend (emulator): %s (demo logins %s)%n",
                groupwareApiUrl(ports.groupwareEmulator()), DEMO_LOGINS);
        out.printf("storage:  %s%n", state.storage() == Storage.S3
                ? "s3 (bucket " + BUCKET + " on " + httpUrl(ports.s3proxy()) + ")"
                : "file (" + stateDir.resolve("nas") + ")");
        out.printf("state:    %s (./guard status shows it, ./guard down stops it)%n", stateDir);
        double seconds = Duration.between(began, Instant.now()).toMillis() / 1000.0;
        out.printf(Locale.ROOT, "all ready in %.1f s%n", seconds);
    }

    private static String address(Entry e, StackPorts ports) {
        return switch (e.name()) {
            case MariaDbServer.NAME -> Ports.LOOPBACK + ":" + e.port() + " (database " + DATABASE + ")";
            case InfinispanServer.NAME -> Ports.LOOPBACK + ":" + e.port() + " (Hot Rod + REST)";
            case S3ProxyServer.NAME -> httpUrl(e.port()) + " (bucket " + BUCKET + ")";
            case GROUPWARE_EMULATOR -> groupwareApiUrl(e.port());
            default -> httpUrl(e.port());
        };
    }

    // ---------------------------------------------------------------------------------------- down

    /**
     * Stops the recorded processes (services first, then the servers they use) and keeps the data;
     * with {@code purge} also deletes the state directory. Idempotent.
     */
    public int down(boolean purge) throws IOException {
        if (!Files.isDirectory(stateDir)) {
            out.println("stack not running (no state directory " + stateDir + ")");
            return 0;
        }
        try (StateLock ignored = StateLock.acquire(stateDir)) {
            Optional<StackState> state = StackState.load(stateDir);
            if (state.isEmpty() || state.get().processes().isEmpty()) {
                out.println("stack not running (nothing recorded in " + stateDir + ")");
            } else {
                List<String> problems = stopAll(state.get(), true);
                if (!problems.isEmpty()) {
                    throw new CommandFailure(1, "could not stop " + String.join("; ", problems)
                            + (purge ? "; nothing was purged" : ""));
                }
                state.get().forgetProcesses();
            }
            if (purge) {
                purge();
            } else if (state.isPresent()) {
                out.println("data kept in " + stateDir + ": the next ./guard up reuses it (./guard down --purge deletes it)");
            }
        }
        return 0;
    }

    /**
     * Stops every recorded process that still runs, services in parallel, then servers in parallel.
     *
     * @return what could not be stopped (empty if all is gone)
     */
    private List<String> stopAll(StackState state, boolean report) throws IOException {
        List<String> problems = new ArrayList<>();
        problems.addAll(stopInParallel(state.processes().stream().filter(e -> e.kind() == Kind.SERVICE).toList(), report));
        problems.addAll(stopInParallel(state.processes().stream().filter(e -> e.kind() == Kind.SERVER).toList(), report));
        return problems;
    }

    private List<String> stopInParallel(List<Entry> entries, boolean report) throws IOException {
        Map<Entry, Future<String>> outcomes = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Entry e : entries) {
                Optional<ManagedProcess> process = attach(e);
                outcomes.put(e, pool.submit(() -> {
                    if (process.isEmpty()) {
                        return e.name() + " was not running";
                    }
                    process.get().stop();
                    return "stopped " + e.name() + " (pid " + process.get().pid() + ")";
                }));
            }
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Entry, Future<String>> o : outcomes.entrySet()) {
            try {
                String line = o.getValue().get();
                if (report) {
                    out.println(line);
                }
            } catch (ExecutionException e) {
                problems.add(o.getKey().name() + " (" + e.getCause().getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problems.add(o.getKey().name() + " (interrupted)");
            }
        }
        out.flush();
        return problems;
    }

    /**
     * The recorded process if it still runs. By recorded PID and start time (a reused PID is not ours);
     * for a process recorded before its PID was known, by the PID file its launcher wrote.
     */
    private Optional<ManagedProcess> attach(Entry e) throws IOException {
        Path pidFile = stateDir.resolve(e.pidFile());
        if (e.pid() > 0) {
            return LocalProcess.attachRecorded(e.name(), e.pid(), e.startMillis(), pidFile);
        }
        return LocalProcess.attachRecorded(e.name(), pidFile);
    }

    /**
     * Deletes the state directory, but only if it is one: a mistyped --state-dir must not cost anyone
     * their home directory.
     */
    private void purge() throws IOException {
        boolean isStateDir = Files.isRegularFile(stateDir.resolve(StackState.FILE));
        if (!isStateDir) {
            try (Stream<Path> entries = Files.list(stateDir)) {
                isStateDir = entries.allMatch(p -> p.getFileName().toString().equals(LOCK_FILE));
            }
        }
        if (!isStateDir) {
            throw new CommandFailure(CommandFailure.REFUSED, stateDir + " does not look like a stack state directory (no "
                    + StackState.FILE + "): not deleting it");
        }
        // Never delete a database from under a running server, recorded or not.
        List<String> running = runningByPidFile();
        if (!running.isEmpty()) {
            throw new CommandFailure(CommandFailure.REFUSED, "not purging " + stateDir + ": " + String.join(", ", running)
                    + " still run from it without being recorded; stop them first");
        }
        Files.walkFileTree(stateDir, new SimpleFileVisitor<>() { // does not follow the log links
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        out.println("purged " + stateDir + " (data, logs, master key)");
    }

    /** Live processes named by the PID files the launchers write in the state directory. */
    private List<String> runningByPidFile() throws IOException {
        List<Path> pidFiles = new ArrayList<>();
        for (String server : List.of("mariadb", "infinispan", "s3")) {
            pidFiles.add(stateDir.resolve(server).resolve(ManagedProcess.PID_FILE));
        }
        Path runDir = stateDir.resolve("run");
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> files = Files.list(runDir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".pid")).forEach(pidFiles::add);
            }
        }
        List<String> running = new ArrayList<>();
        for (Path pidFile : pidFiles) {
            String name = stateDir.relativize(pidFile).toString();
            LocalProcess.attachRecorded(name, pidFile).ifPresent(p -> running.add(name + " (pid " + p.pid() + ")"));
        }
        return running;
    }

    // -------------------------------------------------------------------------------------- status

    /**
     * One line per recorded process: alive or dead, and whether it serves (services: the readiness
     * answer; servers: whether the port accepts connections).
     *
     * @return 0 if everything recorded runs and is ready, 1 otherwise (also when no stack is recorded)
     */
    public int status() throws IOException {
        Optional<StackState> loaded = Files.isDirectory(stateDir) ? StackState.load(stateDir) : Optional.empty();
        if (loaded.isEmpty() || loaded.get().processes().isEmpty()) {
            out.println("stack not running (nothing recorded in " + stateDir + ")");
            return 1;
        }
        StackState state = loaded.get();
        out.printf("stack in %s: storage %s, %d replica(s), gateway %s%n", stateDir, state.storage().id(),
                state.replicas(), httpUrl(state.ports().service(StackService.GATEWAY, 0)));
        state.processes().stream().filter(e -> e.name().equals(GROUPWARE_EMULATOR)).findFirst().ifPresent(e ->
                out.printf("groupware backend (emulator): %s (demo logins %s)%n", groupwareApiUrl(e.port()), DEMO_LOGINS));
        out.printf("%-20s %-8s %-6s %-6s %-22s %s%n", "NAME", "PID", "STATE", "PORT", "READY", "RSS");
        boolean healthy = true;
        try (HttpClient http = httpClient()) {
            Map<Entry, CompletableFuture<Probe>> probes = new LinkedHashMap<>();
            Map<Entry, Optional<ManagedProcess>> processes = new LinkedHashMap<>();
            for (Entry e : state.processes()) {
                Optional<ManagedProcess> p = attach(e);
                processes.put(e, p);
                if (p.isPresent() && e.kind() == Kind.SERVICE) {
                    probes.put(e, probe(http, e.port()));
                }
            }
            for (Map.Entry<Entry, Optional<ManagedProcess>> row : processes.entrySet()) {
                Entry e = row.getKey();
                boolean alive = row.getValue().isPresent();
                String ready;
                boolean ok;
                if (!alive) {
                    ready = "-";
                    ok = false;
                } else if (e.kind() == Kind.SERVICE) {
                    Probe probe = probes.get(e).join();
                    ok = probe.ready();
                    ready = probe.status() == 0 ? "no answer" : Integer.toString(probe.status());
                } else {
                    ok = Ports.isListening(e.port());
                    ready = ok ? "listening" : "not listening";
                }
                healthy &= ok;
                out.printf("%-20s %-8d %-6s %-6d %-22s %s%n", e.name(), e.pid(), alive ? "alive" : "dead", e.port(),
                        ready, alive ? rss(e.pid()) : "-");
            }
        }
        out.println(healthy ? "all running and ready" : "not everything is running and ready (logs in "
                + stateDir.resolve("logs") + ")");
        return healthy ? 0 : 1;
    }

    /** Resident memory from /proc (Linux); "?" elsewhere. */
    static String rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return (kb / 1024) + " MB";
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process just exited
        }
        return "?";
    }

    // ------------------------------------------------------------------------------------- locking

    /**
     * An exclusive lock on the state directory for up and down, so that two of them (two terminals, a
     * script and a human) never start or stop the same stack at once. Released when the CLI exits,
     * however it exits.
     */
    private static final class StateLock implements AutoCloseable {

        private final FileChannel channel;

        private StateLock(FileChannel channel) {
            this.channel = channel;
        }

        static StateLock acquire(Path stateDir) throws IOException {
            FileChannel channel = FileChannel.open(stateDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new CommandFailure(CommandFailure.REFUSED, "another 'guard up' or 'guard down' is working on "
                        + stateDir + " right now: wait for it to finish");
            }
            return new StateLock(channel);
        }

        @Override
        public void close() throws IOException {
            channel.close(); // releases the lock
        }
    }
}
