package io.guardcluster.cli.init;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keygen", description = {
        "Write a new oxguardpass master secret file (mode 0600), nothing else: no database is needed or touched.",
        "Seal or copy it to where the cluster runs, then create the cluster with 'guard init --adopt FILE'."
                + " Refuses (exit 3), changing nothing, if the file exists." })
public final class KeygenCommand implements Callable<Integer> {

    @Mixin
    MasterKeyFileOption masterKeyFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        MasterKeyGenerator.Result result = new MasterKeyGenerator(new SecureRandom(), Clock.systemUTC()).keygen(masterKeyFile.file());
        spec.commandLine().getOut().printf(
                "created %s (mode 0600, master key 1, fingerprint %s)%n"
                        + "keep it secret and backed up; 'guard init --adopt' creates the cluster with it and reports the same fingerprint%n",
                result.file(), result.fingerprint().abbreviated());
        return 0;
    }
}
