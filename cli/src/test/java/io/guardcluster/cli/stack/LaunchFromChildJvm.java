package io.guardcluster.cli.stack;

import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link StackServersTest}: starts S3Proxy with the given {@link Lifetime},
 * prints its PID and exits (through {@code System.exit}, which runs shutdown hooks), like
 * {@code guard up} does.
 *
 * <p>Arguments: lifetime, server dir, port, servers dir.
 */
public final class LaunchFromChildJvm {

    private LaunchFromChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        Lifetime lifetime = Lifetime.valueOf(args[0]);
        S3ProxyServer s3 = S3ProxyServer.start(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]),
                "child-bucket", lifetime);
        System.out.println("PID " + s3.pid());
        System.out.flush();
        System.exit(0);
    }
}
