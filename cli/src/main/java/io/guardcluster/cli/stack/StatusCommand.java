package io.guardcluster.cli.stack;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Show what the local stack runs, and whether it is ready.",
        description = "Show each process 'guard up' recorded: PID, alive or dead, port, readiness (services: "
                + "the HTTP status of /q/health/ready; servers: whether the port accepts connections) and "
                + "resident memory.",
        footer = { "", "Exit codes: 0 everything recorded runs and is ready;",
                "  1 otherwise, also when no stack is recorded." })
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    StackOptions stack;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return stack.run(spec, false, LocalStack::status);
    }
}
