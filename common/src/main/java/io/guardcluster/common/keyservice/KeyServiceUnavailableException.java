package io.guardcluster.common.keyservice;

import io.guardcluster.common.problem.GuardProblemException;

/** key-service did not answer (unreachable, timed out, 5xx): the user's request cannot go on now; 503. */
public class KeyServiceUnavailableException extends GuardProblemException {

    KeyServiceUnavailableException(String detail) {
        super(503, "key-service-unavailable", "Service unavailable", detail, 2);
    }
}
