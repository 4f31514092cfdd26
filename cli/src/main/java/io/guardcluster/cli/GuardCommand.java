package io.guardcluster.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.guardcluster.cli.init.CommandFailure;
import io.guardcluster.cli.init.InitCommand;
import io.guardcluster.cli.init.KeygenCommand;
import io.guardcluster.cli.init.MigrateCommand;
import io.guardcluster.cli.init.VerifyCommand;
import io.guardcluster.cli.stack.DownCommand;
import io.guardcluster.cli.stack.StatusCommand;
import io.guardcluster.cli.stack.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code guard}: the operator's command line. Exit codes: 0 done, 1 failed, 2 usage error,
 * 3 refused on purpose (nothing changed), 78 this node's oxguardpass does not fit the cluster.
 */
@Command(name = "guard", mixinStandardHelpOptions = true, versionProvider = GuardCommand.Version.class,
        description = "Guard cluster: create a cluster's master key and schema, and run the local stack.",
        subcommands = { KeygenCommand.class, InitCommand.class, MigrateCommand.class, VerifyCommand.class,
                UpCommand.class, DownCommand.class, StatusCommand.class,
                CommandLine.HelpCommand.class })
public final class GuardCommand {

    public static void main(String[] args) {
        // Flyway and the JDBC driver log through JUL; operators want our one-line outcome, not theirs.
        Logger.getLogger("").setLevel(Level.WARNING);
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new GuardCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandFailure failure) {
                cmd.getErr().println("guard " + cmd.getCommandName() + ": " + failure.getMessage());
                return failure.exitCode();
            }
            throw e;
        });
        return commandLine.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = GuardCommand.class.getPackage().getImplementationVersion();
            return new String[] { "guard " + (version == null ? "(development build)" : version) };
        }
    }
}
