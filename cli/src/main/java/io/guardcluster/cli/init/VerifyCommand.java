package io.guardcluster.cli.init;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", description = "Check that an oxguardpass belongs to the cluster, as every service does at startup.")
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    MasterKeyFileOption masterKeyFile;

    @Mixin
    DatabaseOptions database;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(ClusterInitializer.verify(database.database(), masterKeyFile.file()));
        return 0;
    }
}
