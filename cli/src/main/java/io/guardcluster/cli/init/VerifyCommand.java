package io.guardcluster.cli.init;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", description = "Check that an oxguardpass belongs to the cluster, as every service does at startup.")
public final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--file", defaultValue = "${env:GUARD_MASTER_KEY_FILE:-/opt/guard/oxguardpass}",
            description = "The oxguardpass to check (env GUARD_MASTER_KEY_FILE; default ${DEFAULT-VALUE})")
    Path file;

    @Mixin
    DatabaseOptions database;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(ClusterInitializer.verify(database.database(), file));
        return 0;
    }
}
