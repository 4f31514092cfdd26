package io.guardcluster.cli.init;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", description = {
        "Create a new cluster, once: its schema and its master key's fingerprint in the database.",
        "The master key is either a new oxguardpass master secret file, created at --file (mode 0600), or,"
                + " with --adopt FILE, an existing one written by 'guard keygen' (e.g. the sealed secret that a"
                + " Kubernetes Job mounts read-only), which is only read, never written.",
        "Refuses (exit 3), changing nothing, if the file to create exists or the database is already initialised;"
                + " with --adopt the message says whether the database holds this file's key (nothing to do) or"
                + " another one (the file is not this cluster's).",
        "A missing or malformed FILE to adopt is refused (exit 78) before the database is touched." })
public final class InitCommand implements Callable<Integer> {

    @Mixin
    MasterKeyFileOption masterKeyFile;

    // A path of its own rather than a flag on --file: --file has a default (GUARD_MASTER_KEY_FILE), and a bare
    // flag would make 'guard init --adopt' quietly pick that default up; naming the file to adopt is explicit.
    @Option(names = "--adopt", paramLabel = "FILE", description = {
            "Adopt this existing oxguardpass (from 'guard keygen') instead of creating one; not with --file" })
    Path adopt;

    @Mixin
    DatabaseOptions database;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (adopt != null && spec.commandLine().getParseResult().hasMatchedOption("--file")) {
            throw new CommandFailure(2, "give either --adopt FILE (an existing oxguardpass) or --file (where to create one), not both");
        }
        ClusterInitializer initializer = new ClusterInitializer(database.database(), new SecureRandom(), Clock.systemUTC());
        if (adopt != null) {
            ClusterInitializer.Result result = initializer.adopt(adopt);
            spec.commandLine().getOut().printf(
                    "adopted %s (master key 1, fingerprint %s), applied %d schema migration(s)%n"
                            + "every node of the cluster needs this exact file; keep it secret and backed up%n",
                    result.file(), result.fingerprint().abbreviated(), result.migrationsApplied());
            return 0;
        }
        ClusterInitializer.Result result = initializer.init(masterKeyFile.file());
        spec.commandLine().getOut().printf(
                "created %s (mode 0600, master key 1, fingerprint %s), applied %d schema migration(s)%n"
                        + "give every node of the cluster a copy of this file; keep it secret and backed up%n",
                result.file(), result.fingerprint().abbreviated(), result.migrationsApplied());
        return 0;
    }
}
