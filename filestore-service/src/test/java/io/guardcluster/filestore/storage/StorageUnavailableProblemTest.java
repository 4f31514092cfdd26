package io.guardcluster.filestore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import io.guardcluster.common.problem.Problem;
import io.guardcluster.common.problem.ProblemMappers;

/** The answer a user gets when the storage is down: common's problem mapper turns the exception into it. */
class StorageUnavailableProblemTest {

    @Test
    void isA503ProblemWithRetryAfterAndNoInternals() {
        StorageUnavailableException e = new StorageUnavailableException(
                "commit in bucket guard-files: SdkClientException: Unable to execute HTTP request: Connection refused");

        Response response = new ProblemMappers().guardProblem(e, null);

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getMediaType()).hasToString(Problem.MEDIA_TYPE);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("30");
        assertThat(response.getEntity()).isEqualTo(new Problem("urn:guard:problem:storage-unavailable", "Service unavailable", 503,
                "file storage is unavailable right now; nothing was stored or lost, try again later", null));
        assertThat(response.getEntity().toString()).doesNotContain("guard-files", "Connection refused", "Exception");
    }
}
