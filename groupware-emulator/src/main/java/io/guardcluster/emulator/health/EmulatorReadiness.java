package io.guardcluster.emulator.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.guardcluster.emulator.config.EmulatorConfig;
import io.guardcluster.emulator.user.UserDirectory;

/** Ready once configured: reports the emulated nodes (their routes) and how many demo users they serve. */
@Readiness
@ApplicationScoped
public class EmulatorReadiness implements HealthCheck {

    @Inject
    EmulatorConfig config;
    @Inject
    UserDirectory users;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("groupware-emulator")
                .withData("nodes", String.join(",", config.nodes()))
                .withData("users", users.all().size())
                .status(!users.all().isEmpty())
                .build();
    }
}
