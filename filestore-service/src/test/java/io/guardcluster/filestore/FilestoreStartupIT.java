package io.guardcluster.filestore;

import java.util.Map;

import io.guardcluster.testing.ServiceStartupContract;
import io.guardcluster.testing.TestCluster;

/** The packaged filestore-service refuses a foreign, missing or malformed oxguardpass and rides out database outages. */
class FilestoreStartupIT extends ServiceStartupContract {

    @Override
    protected Map<String, String> dependencies() {
        return Map.of("GUARD_STORAGE_TYPE", "file",
                "GUARD_STORAGE_FILE_UPLOAD_DIRECTORY", TestCluster.get().newDirectory("nas-").toString());
    }

    @Override
    protected String[] dependencyChecks() {
        return new String[] { "storage" };
    }
}
