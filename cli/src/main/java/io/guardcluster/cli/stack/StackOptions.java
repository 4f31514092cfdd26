package io.guardcluster.cli.stack;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.guardcluster.cli.init.CommandFailure;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where the local stack lives, shared by {@code up}, {@code down} and {@code status}.
 *
 * <p>The project root ({@code GUARD_HOME}, exported by the {@code ./guard} script) holds the built
 * services and servers; the state directory holds everything the stack writes. Keeping the two apart
 * lets tests run a throw-away stack ({@code GUARD_STATE_DIR=$(mktemp -d)}) next to a developer's own.
 */
public final class StackOptions {

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the stack keeps its data, logs, "
            + "master key and state file (default: $GUARD_STATE_DIR, else $GUARD_HOME/.stack)")
    Path stateDir;

    /** The project root: $GUARD_HOME, else the checkout the CLI jar was built in. */
    Path home() {
        String env = System.getenv("GUARD_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        // Run as `java -jar <root>/cli/target/guard-cli-*-all.jar` without the script.
        try {
            Path jar = Path.of(StackOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            root = root == null ? null : root.getParent();
            if (root != null && Files.isRegularFile(root.resolve("pom.xml"))
                    && Files.isDirectory(root.resolve("servers"))) {
                return root;
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the explicit failure below
        }
        throw new CommandFailure(2, "cannot tell where the Guard project is: set GUARD_HOME to its root"
                + " (the ./guard script does this)");
    }

    /** --state-dir, else $GUARD_STATE_DIR, else $GUARD_HOME/.stack (gitignored). */
    Path stateDir() {
        if (stateDir != null) {
            return stateDir.toAbsolutePath().normalize();
        }
        String env = System.getenv("GUARD_STATE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return home().resolve(".stack");
    }

    /** What one stack command does with the stack; I/O failures become the command's one-line error. */
    @FunctionalInterface
    interface StackAction {
        int run(LocalStack stack) throws IOException;
    }

    /**
     * Runs {@code action} on the stack in the state directory, printing to the command's streams.
     * {@code needsHome}: only 'up' needs the project checkout (for the service jars).
     */
    int run(CommandSpec spec, boolean needsHome, StackAction action) {
        CommandLine cl = spec.commandLine();
        try {
            return action.run(new LocalStack(needsHome ? home() : null, stateDir(), cl.getOut(), cl.getErr()));
        } catch (IOException e) {
            throw new CommandFailure(1, e.getMessage());
        }
    }
}
