package io.guardcluster.cli.stack;

/**
 * A third-party server we launched (MariaDB, Infinispan, S3Proxy): the process plumbing all of them
 * share, so each launcher only says how to start its server and how to reach it.
 */
abstract class RunningServer implements ManagedProcess {

    private final String name;
    private final LocalProcess process;

    RunningServer(String name, LocalProcess process) {
        this.name = name;
        this.process = process;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long pid() {
        return process.pid();
    }

    @Override
    public final boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public final void stop() {
        process.stop();
    }
}
