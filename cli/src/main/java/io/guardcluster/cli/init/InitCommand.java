package io.guardcluster.cli.init;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", description = {
        "Create a new cluster, once: the oxguardpass master secret file (mode 0600), the database schema,",
        "and the master key's fingerprint in the database. Refuses, changing nothing, if either exists." })
public final class InitCommand implements Callable<Integer> {

    @Mixin
    MasterKeyFileOption masterKeyFile;

    @Mixin
    DatabaseOptions database;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ClusterInitializer.Result result = new ClusterInitializer(database.database(), new SecureRandom(), Clock.systemUTC())
                .init(masterKeyFile.file());
        spec.commandLine().getOut().printf(
                "created %s (mode 0600, master key 1, fingerprint %s), applied %d schema migration(s)%n"
                        + "give every node of the cluster a copy of this file; keep it secret and backed up%n",
                result.file(), result.fingerprint().abbreviated(), result.migrationsApplied());
        return 0;
    }
}
