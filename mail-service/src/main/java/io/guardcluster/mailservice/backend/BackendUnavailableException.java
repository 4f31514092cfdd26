package io.guardcluster.mailservice.backend;

import io.guardcluster.common.problem.GuardProblemException;

/** The groupware backend did not answer (unreachable, too slow, failing, circuit open): 503, try again shortly. */
public class BackendUnavailableException extends GuardProblemException {

    BackendUnavailableException(String detail) {
        super(503, "groupware-backend-unavailable", "Service unavailable", detail, 2);
    }
}
