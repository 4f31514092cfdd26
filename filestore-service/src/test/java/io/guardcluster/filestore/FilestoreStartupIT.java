package io.guardcluster.filestore;

import java.util.Map;

import io.guardcluster.testing.ServiceStartupContract;
import io.guardcluster.testing.TestCluster;

/** The packaged filestore-service refuses a foreign, missing or malformed oxguardpass and rides out outages of its dependencies. */
class FilestoreStartupIT extends ServiceStartupContract {

    FilestoreStartupIT() {
        super(false, "storage");
    }

    @Override
    protected Map<String, String> dependencies() {
        return Map.of("GUARD_STORAGE_TYPE", "file",
                "GUARD_STORAGE_FILE_UPLOAD_DIRECTORY", TestCluster.get().newDirectory("nas-").toString());
    }
}
