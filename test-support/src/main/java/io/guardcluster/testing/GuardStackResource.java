package io.guardcluster.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} real servers: MariaDB with an initialised cluster (schema, master key
 * fingerprint, oxguardpass) always; Infinispan with {@code infinispan=true}; storage with
 * {@code storage=file} (a fresh NAS directory) or {@code storage=s3} (S3Proxy); a packaged key-service process
 * for services that call it with {@code keyService=true}, and a packaged filestore-service (with key-service) with
 * {@code filestoreService=true}. No Dev Services,
 * no Docker, no in-memory stand-ins.
 *
 * <pre>
 * &#64;QuarkusTestResource(value = GuardStackResource.class, initArgs = &#64;ResourceArg(name = "infinispan", value = "true"))
 * </pre>
 */
public class GuardStackResource implements QuarkusTestResourceLifecycleManager {

    private boolean infinispan;
    private String storage;
    private boolean keyService;
    private boolean filestoreService;

    @Override
    public void init(Map<String, String> initArgs) {
        infinispan = Boolean.parseBoolean(initArgs.getOrDefault("infinispan", "false"));
        storage = initArgs.get("storage");
        keyService = Boolean.parseBoolean(initArgs.getOrDefault("keyService", "false"));
        filestoreService = Boolean.parseBoolean(initArgs.getOrDefault("filestoreService", "false"));
    }

    @Override
    public Map<String, String> start() {
        TestCluster cluster = TestCluster.get();
        Map<String, String> config = new HashMap<>(cluster.databaseConfig());
        if (infinispan || keyService || filestoreService) {
            config.putAll(cluster.infinispanConfig());
        }
        if (keyService || filestoreService) {
            config.putAll(cluster.keyServiceConfig());
        }
        if (filestoreService) {
            config.putAll(cluster.filestoreServiceConfig());
        }
        if ("s3".equals(storage)) {
            config.putAll(cluster.s3Config());
        } else if ("file".equals(storage)) {
            config.put("guard.storage.type", "file");
            config.put("guard.storage.file.upload-directory", cluster.newDirectory("nas-").toString());
        }
        return config;
    }

    @Override
    public void stop() {
        // The servers are shared by every test class of this JVM and stop with it (shutdown hooks).
    }
}
