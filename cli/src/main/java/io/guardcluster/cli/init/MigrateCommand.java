package io.guardcluster.cli.init;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "migrate", description = "Apply the schema migrations a new version brings (run before rolling it out).")
public final class MigrateCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Database db = database.database();
        try (var connection = db.connect()) {
            if (db.registeredFingerprints(connection).isEmpty()) {
                throw new CommandFailure(CommandFailure.REFUSED, "database " + db.label()
                        + " has not been initialised: run 'guard init' first (nothing was changed)");
            }
        }
        spec.commandLine().getOut().printf("applied %d schema migration(s) to %s%n", db.migrate(), db.label());
        return 0;
    }
}
