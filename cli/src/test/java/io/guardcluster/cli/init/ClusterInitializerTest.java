package io.guardcluster.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.guardcluster.cli.GuardCommand;
import io.guardcluster.cli.stack.MariaDbServer;
import io.guardcluster.cli.stack.Ports;
import io.guardcluster.common.masterkey.MasterKeyFile;

/** 'guard init', 'guard verify' and 'guard migrate' against a real MariaDB. */
class ClusterInitializerTest {

    @TempDir
    static Path serverDir;
    private static MariaDbServer mariadb;

    @TempDir
    Path dir;
    private Database database;

    @BeforeAll
    static void startDatabase() throws Exception {
        mariadb = MariaDbServer.start(serverDir.resolve("mariadb"), Ports.freePort(), "guard");
    }

    @AfterAll
    static void stopDatabase() {
        mariadb.stop();
    }

    @BeforeEach
    void emptyDatabase() throws SQLException {
        database = new Database(mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            // The schema has foreign keys: drop in any order with the checks off for this session.
            s.execute("SET FOREIGN_KEY_CHECKS = 0");
            for (String table : tables(c)) {
                s.execute("DROP TABLE `" + table + "`");
            }
            s.execute("SET FOREIGN_KEY_CHECKS = 1");
        }
    }

    @Test
    void initCreatesOwnerOnlyFileSchemaAndFingerprint() throws Exception {
        Path file = dir.resolve("guard/oxguardpass");
        Result run = guard("init", "--file", file.toString());

        assertThat(run.exit).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String fingerprint = MasterKeyFile.read(file).current().fingerprint().hex();
        assertThat(run.out).contains("created " + file + " (mode 0600, master key 1, fingerprint " + fingerprint.substring(0, 8) + "…)");
        try (Connection c = database.connect()) {
            assertThat(tables(c)).contains("guard_master_key", "flyway_schema_history");
            assertThat(database.registeredFingerprints(c)).hasSize(1).containsKey(1);
            assertThat(database.registeredFingerprints(c).get(1).hex()).isEqualTo(fingerprint);
        }
        assertNoKeyMaterial(file, run.out + run.err);
    }

    @Test
    void secondInitRefusesAndChangesNothing() throws Exception {
        Path file = dir.resolve("oxguardpass");
        assertThat(guard("init", "--file", file.toString()).exit).isZero();
        byte[] fileBefore = Files.readAllBytes(file);
        String databaseBefore = snapshot();

        Result again = guard("init", "--file", file.toString());
        assertThat(again.exit).isEqualTo(CommandFailure.REFUSED);
        assertThat(again.err).contains("guard init: oxguardpass already exists at " + file, "nothing was changed");

        Path otherNode = dir.resolve("other-node/oxguardpass");
        Result elsewhere = guard("init", "--file", otherNode.toString());
        assertThat(elsewhere.exit).isEqualTo(CommandFailure.REFUSED);
        assertThat(elsewhere.err).contains("is already initialised (master key fingerprint", "nothing was changed",
                "copy oxguardpass from the node where 'guard init' ran");

        assertThat(Files.readAllBytes(file)).isEqualTo(fileBefore);
        assertThat(otherNode).doesNotExist();
        assertThat(snapshot()).isEqualTo(databaseBefore);
    }

    @Test
    void concurrentInitsAgainstOneDatabaseLeaveExactlyOneKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path file = dir.resolve("node-" + i + "/oxguardpass");
            Callable<Integer> init = () -> {
                try {
                    new ClusterInitializer(database, new SecureRandom(), Clock.systemUTC()).init(file);
                    return 0;
                } catch (CommandFailure e) {
                    return e.exitCode();
                }
            };
            runs.add(pool.submit(init));
        }
        int succeeded = 0;
        for (Future<Integer> run : runs) {
            succeeded += run.get() == 0 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(succeeded).isEqualTo(1);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            if (Files.exists(dir.resolve("node-" + i + "/oxguardpass"))) {
                files.add(dir.resolve("node-" + i + "/oxguardpass"));
            }
        }
        assertThat(files).as("only the winner keeps a file").hasSize(1);
        assertThat(guard("verify", "--file", files.get(0).toString()).exit).isZero();
    }

    @Test
    void verifyTellsWhetherAFileBelongs() throws Exception {
        Path file = dir.resolve("oxguardpass");
        Result uninitialised = guard("verify", "--file", writeForeignFile("uninit").toString());
        assertThat(uninitialised.exit).isEqualTo(CommandFailure.MISCONFIGURED);
        assertThat(uninitialised.err).contains("has not been initialised for Guard");

        guard("init", "--file", file.toString());
        Result good = guard("verify", "--file", file.toString());
        assertThat(good.exit).isZero();
        assertThat(good.out).contains("belongs to the cluster");

        Path foreign = writeForeignFile("foreign");
        Result bad = guard("verify", "--file", foreign.toString());
        assertThat(bad.exit).isEqualTo(CommandFailure.MISCONFIGURED);
        assertThat(bad.err).contains("oxguardpass at " + foreign + " does not belong to this cluster (fingerprint ");
        assertNoKeyMaterial(foreign, bad.err);
    }

    @Test
    void migrateNeedsAnInitialisedClusterAndIsIdempotent() throws Exception {
        Result early = guard("migrate");
        assertThat(early.exit).isEqualTo(CommandFailure.REFUSED);
        assertThat(early.err).contains("has not been initialised: run 'guard init' first");

        guard("init", "--file", dir.resolve("oxguardpass").toString());
        Result migrate = guard("migrate");
        assertThat(migrate.exit).isZero();
        assertThat(migrate.out).contains("applied 0 schema migration(s)");
    }

    @Test
    void unreachableDatabaseIsExplainedAndNoFileIsLeft() {
        Path file = dir.resolve("oxguardpass");
        Result run = GuardCommandRunner.run("init", "--file", file.toString(), "--db-url",
                "jdbc:mariadb://127.0.0.1:" + Ports.freePort() + "/guard", "--db-user", "guard", "--db-password=wrong-secret");
        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err).contains("cannot connect to database jdbc:mariadb://127.0.0.1:").doesNotContain("wrong-secret");
        assertThat(file).doesNotExist();
    }

    @Test
    void missingDatabaseUrlIsAUsageError() {
        Result run = GuardCommandRunner.run("init", "--file", dir.resolve("x").toString(), "--db-url=");
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("no database given: pass --db-url");
    }

    @Test
    void keygenWritesOnlyAnOwnerOnlyFileAndRefusesAnExistingOne() throws Exception {
        Path file = dir.resolve("new/oxguardpass");
        // No database options at all: keygen must not need (or touch) one.
        Result run = GuardCommandRunner.run("keygen", "--file", file.toString());
        assertThat(run.exit).as(run.err).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String fingerprint = MasterKeyFile.read(file).current().fingerprint().hex();
        assertThat(run.out).contains("created " + file + " (mode 0600, master key 1, fingerprint " + fingerprint.substring(0, 8) + "…)");
        assertThat(run.err).isEmpty();
        assertNoKeyMaterial(file, run.out + run.err);
        try (Connection c = database.connect()) {
            assertThat(tables(c)).isEmpty();
        }

        byte[] before = Files.readAllBytes(file);
        Result again = GuardCommandRunner.run("keygen", "--file", file.toString());
        assertThat(again.exit).isEqualTo(CommandFailure.REFUSED);
        assertThat(again.err).startsWith("guard keygen: oxguardpass already exists at " + file).contains("nothing was changed");
        assertThat(again.err.lines()).hasSize(1);
        assertThat(again.out).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.list(file.getParent())).as("no temporary file left").containsExactly(file);
    }

    @Test
    void keygenThenAdoptCreatesTheClusterAroundThatFile() throws Exception {
        Path file = dir.resolve("oxguardpass");
        Result keygen = GuardCommandRunner.run("keygen", "--file", file.toString());
        assertThat(keygen.exit).isZero();
        String fingerprint = MasterKeyFile.read(file).current().fingerprint().hex();
        byte[] before = Files.readAllBytes(file);

        // As Kubernetes mounts a Secret: a symlink to a read-only 0440 file.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
        Path mounted = Files.createDirectories(dir.resolve("mount")).resolve("oxguardpass");
        Files.createSymbolicLink(mounted, file);

        Result adopt = guard("init", "--adopt", mounted.toString());
        assertThat(adopt.exit).as(adopt.err).isZero();
        assertThat(adopt.out).contains("adopted " + mounted + " (master key 1, fingerprint " + fingerprint.substring(0, 8) + "…)",
                "applied ");
        assertThat(keygen.out).contains("fingerprint " + fingerprint.substring(0, 8) + "…");
        try (Connection c = database.connect()) {
            assertThat(tables(c)).contains("guard_master_key", "flyway_schema_history");
            assertThat(database.registeredFingerprints(c)).hasSize(1).containsKey(1);
            assertThat(database.registeredFingerprints(c).get(1).hex()).isEqualTo(fingerprint);
        }
        assertThat(Files.readAllBytes(file)).as("adopt never writes the file").isEqualTo(before);
        assertThat(guard("verify", "--file", mounted.toString()).exit).isZero();
        assertNoKeyMaterial(file, keygen.out + keygen.err + adopt.out + adopt.err);
    }

    @Test
    void adoptOnAnInitialisedDatabaseRefusesAndSaysWhetherItIsTheSameKey() throws Exception {
        Path file = dir.resolve("oxguardpass");
        assertThat(GuardCommandRunner.run("keygen", "--file", file.toString()).exit).isZero();
        assertThat(guard("init", "--adopt", file.toString()).exit).isZero();
        String databaseBefore = snapshot();

        Result same = guard("init", "--adopt", file.toString());
        assertThat(same.exit).isEqualTo(CommandFailure.REFUSED);
        assertThat(same.err).startsWith("guard init: database ")
                .contains("is already initialised with this oxguardpass (master key fingerprint ", "nothing to do, nothing was changed")
                .doesNotContain("DIFFERENT");
        assertThat(same.err.lines()).hasSize(1);

        Path foreign = writeForeignFile("foreign");
        Result different = guard("init", "--adopt", foreign.toString());
        assertThat(different.exit).isEqualTo(CommandFailure.REFUSED);
        assertThat(different.err).startsWith("guard init: database ")
                .contains("is already initialised with a DIFFERENT master key (fingerprint ",
                        foreign + " has " + MasterKeyFile.read(foreign).current().fingerprint().abbreviated(),
                        "this file is not this cluster's oxguardpass; nothing was changed")
                .doesNotContain("nothing to do");
        assertThat(different.err.lines()).hasSize(1);

        assertThat(snapshot()).isEqualTo(databaseBefore);
        assertNoKeyMaterial(file, same.out + same.err + different.out + different.err);
        assertNoKeyMaterial(foreign, same.out + same.err + different.out + different.err);
    }

    @Test
    void adoptRefusesAMissingOrMalformedFileBeforeTouchingTheDatabase() throws Exception {
        Path missing = dir.resolve("nowhere/oxguardpass");
        Result none = guard("init", "--adopt", missing.toString());
        assertThat(none.exit).isEqualTo(CommandFailure.MISCONFIGURED);
        assertThat(none.err).startsWith("guard init: oxguardpass not found at " + missing).contains("the database was not touched");
        assertThat(none.err.lines()).hasSize(1);
        assertThat(missing).doesNotExist();

        Path whole = writeForeignFile("whole");
        String text = Files.readString(whole);
        Path truncated = dir.resolve("truncated");
        Files.writeString(truncated, text.substring(0, text.length() - 20));
        Result cut = guard("init", "--adopt", truncated.toString());
        assertThat(cut.exit).isEqualTo(CommandFailure.MISCONFIGURED);
        assertThat(cut.err).startsWith("guard init: oxguardpass at " + truncated + " is malformed (key.1 ")
                .contains("the database was not touched");
        assertThat(cut.err.lines()).hasSize(1);
        assertNoKeyMaterial(whole, cut.out + cut.err);
        String partialKey = text.substring(text.indexOf("key.1=") + 6, text.length() - 20);
        assertThat(cut.err).doesNotContain(partialKey);

        Path rotated = dir.resolve("rotated");
        Files.writeString(rotated, "format=" + MasterKeyFile.FORMAT_V1 + "\ncurrent=2\n"
                + "key.1=" + Base64.getEncoder().encodeToString(new byte[32]) + "\n"
                + "key.2=" + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Result two = guard("init", "--adopt", rotated.toString());
        assertThat(two.exit).isEqualTo(CommandFailure.MISCONFIGURED);
        assertThat(two.err).contains("holds 2 key(s) with key 2 current; a new cluster adopts a file with master key 1 alone",
                "the database was not touched");

        try (Connection c = database.connect()) {
            assertThat(tables(c)).as("no schema, not even half of one").isEmpty();
        }
    }

    @Test
    void adoptAndFileTogetherAreAUsageError() throws Exception {
        Path file = writeForeignFile("both");
        Result run = guard("init", "--adopt", file.toString(), "--file", dir.resolve("other").toString());
        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("give either --adopt FILE", "not both");
        try (Connection c = database.connect()) {
            assertThat(tables(c)).isEmpty();
        }
    }

    private Path writeForeignFile(String name) throws Exception {
        Path file = dir.resolve(name + "/oxguardpass");
        MasterKeyFile.createNew(file, MasterKeyFile.generate(new SecureRandom()), java.time.Instant.now());
        return file;
    }

    private Result guard(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db-url", mariadb.reactiveUrl(), "--db-user", mariadb.user(), "--db-password=" + mariadb.password()));
        return GuardCommandRunner.run(all.toArray(String[]::new));
    }

    /** Every table's definition and checksum: equal snapshots mean the database was not changed. */
    private String snapshot() throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            for (String table : tables(c)) {
                try (ResultSet create = s.executeQuery("SHOW CREATE TABLE `" + table + "`")) {
                    create.next();
                    out.append(create.getString(2)).append('\n');
                }
                try (ResultSet sum = s.executeQuery("CHECKSUM TABLE `" + table + "` EXTENDED")) {
                    sum.next();
                    out.append(table).append('=').append(sum.getLong(2)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SHOW TABLES")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }

    private static void assertNoKeyMaterial(Path file, String text) throws Exception {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("key.")) {
                byte[] key = Base64.getDecoder().decode(line.substring(line.indexOf('=') + 1));
                assertThat(text).doesNotContain(line.substring(line.indexOf('=') + 1)).doesNotContain(HexFormat.of().formatHex(key));
            }
        }
    }

    record Result(int exit, String out, String err) {
    }

    /** Runs the real command line in-process, capturing what an operator would see. */
    static final class GuardCommandRunner {
        static Result run(String... args) {
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
                int exit = GuardCommand.run(args);
                return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
        }
    }
}
