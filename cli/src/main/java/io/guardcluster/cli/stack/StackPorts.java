package io.guardcluster.cli.stack;

import java.util.Optional;

/**
 * The local stack's TCP ports, all derived from one base so that {@code --base-port} moves the whole
 * stack at once (to run a second stack, or to dodge a port that something else holds).
 *
 * <p>With the default base {@value #DEFAULT_BASE}: gateway 8080, key-service 8081, mail-service 8082,
 * filestore-service 8083, and replica {@code i} of each service 100·i higher (8180–8183, 8280–8283, …);
 * MariaDB 13306, Infinispan 11222, S3Proxy 19000, and the groupware backend emulator 8009 (the OX
 * middleware's own port; one instance whatever the replicas) with its SMTP sink on 8025. Any other base B shifts every port by
 * B − 8000, e.g. {@code --base-port 9000}: gateway 9080, emulator 9009, MariaDB 14306, Infinispan 12222,
 * S3Proxy 20000.
 *
 * <p>The layout cannot collide: replicas stay below B+3222 (Infinispan) up to {@value #MAX_REPLICAS}
 * replicas, far more than a developer machine runs.
 */
record StackPorts(int base) {

    static final int DEFAULT_BASE = 8000;
    static final int MAX_REPLICAS = 20;

    private static final int SERVICES = 80;
    private static final int REPLICA_STEP = 100;
    private static final int MARIADB = 5306;
    private static final int INFINISPAN = 3222;
    private static final int S3PROXY = 11000;
    /** The lowest port of the layout. */
    private static final int GROUPWARE_EMULATOR = 9;
    private static final int GROUPWARE_SMTP = 25;

    int mariadb() {
        return base + MARIADB;
    }

    int infinispan() {
        return base + INFINISPAN;
    }

    int s3proxy() {
        return base + S3PROXY;
    }

    /** The groupware backend emulator (stands in for the OX App Suite middleware's HTTP API). */
    int groupwareEmulator() {
        return base + GROUPWARE_EMULATOR;
    }

    /** The emulator's SMTP sink: the groupware's mail system, where key-service sends reset mails. */
    int groupwareSmtp() {
        return base + GROUPWARE_SMTP;
    }

    int service(StackService service, int replica) {
        return base + SERVICES + service.portOffset + REPLICA_STEP * replica;
    }

    /** Why {@code base} cannot host {@code replicas} (some port would fall outside 1024..65535), if it cannot. */
    static Optional<String> problem(int base, int replicas) {
        StackPorts ports = new StackPorts(base);
        int lowest = ports.groupwareEmulator();
        int highest = Math.max(ports.s3proxy(), ports.service(StackService.FILESTORE_SERVICE, replicas - 1));
        // Below 1024 only root may listen; a non-root developer would get a misleading "port in use".
        if (lowest < 1024 || highest > 65535) {
            return Optional.of("--base-port " + base + " puts the stack's ports at " + lowest + ".." + highest
                    + ", outside 1024..65535 (the highest, S3Proxy, is base + " + S3PROXY + "): choose a base between "
                    + (1024 - GROUPWARE_EMULATOR) + " and " + (65535 - S3PROXY));
        }
        return Optional.empty();
    }
}
