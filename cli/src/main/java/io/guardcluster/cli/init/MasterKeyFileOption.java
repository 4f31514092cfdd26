package io.guardcluster.cli.init;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** Where this node's oxguardpass is: the same default and variable as the services use. */
public final class MasterKeyFileOption {

    @Option(names = "--file", defaultValue = "${env:GUARD_MASTER_KEY_FILE:-/opt/guard/oxguardpass}",
            description = "The oxguardpass file (env GUARD_MASTER_KEY_FILE; default ${DEFAULT-VALUE})")
    Path file;

    public Path file() {
        return file;
    }
}
