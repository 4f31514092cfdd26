package io.guardcluster.cli.stack;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code <state dir>/stack.properties}: what {@code guard up} chose (storage, replicas, base port) and
 * every process it started. {@code guard status} and {@code guard down} act on exactly these processes,
 * never on whatever else happens to run, and a later {@code guard up} reuses the choices.
 *
 * <p>Each process is recorded before it is started (PID 0, its PID file's path) and again as soon as
 * its PID is known, and the file is rewritten atomically each time: a {@code guard up} that dies at any
 * point leaves a file from which {@code guard down} can still find everything it started.
 *
 * <p>Holds no secrets (the servers' generated credentials stay in their own 0600 files).
 */
final class StackState {

    static final String FILE = "stack.properties";
    private static final int FORMAT = 1;

    /** Servers (MariaDB, Infinispan, S3Proxy) are stopped after the services that use them. */
    enum Kind {
        SERVER, SERVICE
    }

    /**
     * One process. {@code pidFile} and {@code log} are relative to the state directory (so that the
     * file reads well and survives moving the directory). {@code pid} 0: recorded, start not confirmed.
     */
    record Entry(String name, Kind kind, long pid, long startMillis, int port, String pidFile, String log) {

        Entry started(long pid, long startMillis) {
            return new Entry(name, kind, pid, startMillis, port, pidFile, log);
        }
    }

    private final Path dir;
    private final Storage storage;
    private final int replicas;
    private final int basePort;
    private final Map<String, Entry> processes = new LinkedHashMap<>(); // guarded by this

    StackState(Path dir, Storage storage, int replicas, int basePort) {
        this.dir = dir;
        this.storage = storage;
        this.replicas = replicas;
        this.basePort = basePort;
    }

    /** The state recorded in {@code dir}, if there is a state file. */
    static Optional<StackState> load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        try {
            StackState state = new StackState(dir, Storage.parse(required(p, "storage")),
                    Integer.parseInt(required(p, "replicas")), Integer.parseInt(required(p, "base-port")));
            String names = p.getProperty("processes", "").trim();
            for (String name : names.isEmpty() ? new String[0] : names.split(",")) {
                String k = "process." + name + ".";
                state.processes.put(name, new Entry(name,
                        Kind.valueOf(required(p, k + "kind").toUpperCase()),
                        Long.parseLong(required(p, k + "pid")),
                        Long.parseLong(p.getProperty(k + "start", "0")),
                        Integer.parseInt(required(p, k + "port")),
                        required(p, k + "pid-file"),
                        required(p, k + "log")));
            }
            return Optional.of(state);
        } catch (IllegalArgumentException e) { // includes NumberFormatException
            throw new IOException("Malformed stack state file " + file + " (" + e.getMessage()
                    + "); if no stack runs from it, remove it", e);
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value.trim();
    }

    Path dir() {
        return dir;
    }

    Storage storage() {
        return storage;
    }

    int replicas() {
        return replicas;
    }

    int basePort() {
        return basePort;
    }

    StackPorts ports() {
        return new StackPorts(basePort);
    }

    synchronized List<Entry> processes() {
        return new ArrayList<>(processes.values());
    }

    /** Adds or replaces {@code entry} (by name) and writes the file at once. */
    synchronized void record(Entry entry) throws IOException {
        processes.put(entry.name(), entry);
        save();
    }

    /** After the recorded processes were stopped: keep the choices, forget the processes. */
    synchronized void forgetProcesses() throws IOException {
        processes.clear();
        save();
    }

    /** Writes the file atomically (temporary file, then rename): readers never see half a file. */
    synchronized void save() throws IOException {
        StringBuilder sb = new StringBuilder()
                .append("# The local Guard stack: written by 'guard up', read by 'guard status' and 'guard down'.\n")
                .append("# Do not edit while the stack runs.\n")
                .append("format=").append(FORMAT).append('\n')
                .append("storage=").append(storage.id()).append('\n')
                .append("replicas=").append(replicas).append('\n')
                .append("base-port=").append(basePort).append('\n')
                .append("processes=").append(String.join(",", processes.keySet())).append('\n');
        for (Entry e : processes.values()) {
            String k = "process." + e.name() + ".";
            sb.append(k).append("kind=").append(e.kind().name().toLowerCase()).append('\n')
                    .append(k).append("pid=").append(e.pid()).append('\n')
                    .append(k).append("start=").append(e.startMillis()).append('\n')
                    .append(k).append("port=").append(e.port()).append('\n')
                    .append(k).append("pid-file=").append(e.pidFile()).append('\n')
                    .append(k).append("log=").append(e.log()).append('\n');
        }
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
