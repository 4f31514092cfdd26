package io.guardcluster.common.cluster;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.Quarkus;

/**
 * Ends the process when a node must not run (wrong or missing {@code oxguardpass}, uninitialised
 * database): one ERROR line that names the problem and the fix, then a non-zero exit. A bean of its
 * own so tests can observe the refusal instead of losing their JVM.
 */
@ApplicationScoped
public class StartupRefusal {

    private static final Logger LOG = Logger.getLogger("io.guardcluster.startup");

    /**
     * During startup (a StartupEvent observer): abort the boot before the HTTP server announces
     * itself. Quarkus ends the process with {@code exitCode} and no stack trace for this exception.
     */
    public void refuseStartup(String oneLine, int exitCode) {
        LOG.error(oneLine);
        Quarkus.asyncExit(exitCode);
        throw new PreventFurtherStepsException(oneLine, exitCode);
    }

    /** After startup (the check ran late because the database was down at boot): shut down. */
    public void stopRunning(String oneLine, int exitCode) {
        LOG.error(oneLine);
        Quarkus.asyncExit(exitCode);
    }
}
