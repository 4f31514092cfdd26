package io.guardcluster.cli.stack;

/**
 * The cluster's services as the local stack runs them: one Quarkus fast-jar per Maven module, in the
 * order they are started (the gateway last: it fronts the others).
 */
enum StackService {

    KEY_SERVICE("key-service", 1, true),
    MAIL_SERVICE("mail-service", 2, false),
    FILESTORE_SERVICE("filestore-service", 3, false),
    GATEWAY("gateway", 0, true);

    /** The Maven module, which is also the service's name in the stack. */
    final String module;
    /** Added to {@code base port + 80} (gateway 8080, key-service 8081, mail-service 8082, filestore-service 8083). */
    final int portOffset;
    /** Whether the service talks to Infinispan (and so gets its client settings). */
    final boolean usesInfinispan;

    StackService(String module, int portOffset, boolean usesInfinispan) {
        this.module = module;
        this.portOffset = portOffset;
        this.usesInfinispan = usesInfinispan;
    }

    /** The name of replica {@code i} (0-based): {@code key-service-0}, also its log file's base name. */
    String replicaName(int replica) {
        return module + "-" + replica;
    }
}
