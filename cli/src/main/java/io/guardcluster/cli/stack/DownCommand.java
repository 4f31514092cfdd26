package io.guardcluster.cli.stack;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "down", mixinStandardHelpOptions = true,
        header = "Stop the local stack (keeps its data; --purge deletes it).",
        description = "Stop exactly the processes 'guard up' recorded in the state directory (services first, "
                + "then the servers), and nothing else. Keeps data, master key and logs, so the next up reuses "
                + "them. Does nothing (and succeeds) when nothing runs.")
public final class DownCommand implements Callable<Integer> {

    @Mixin
    StackOptions stack;

    @Option(names = "--purge", description = "After stopping, delete the whole state directory: database, files, "
            + "logs and the cluster's master key (oxguardpass). Asks nothing; the next up starts a new cluster.")
    boolean purge;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return stack.run(spec, false, s -> s.down(purge));
    }
}
