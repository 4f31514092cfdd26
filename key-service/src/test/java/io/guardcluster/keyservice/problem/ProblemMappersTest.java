package io.guardcluster.keyservice.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.guardcluster.testing.GuardStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/** The shared problem+json error model, as every service answers (see guard-common ProblemMappers). */
@QuarkusTest
@QuarkusTestResource(value = GuardStackResource.class, initArgs = @ResourceArg(name = "infinispan", value = "true"))
class ProblemMappersTest {

    @Test
    void knownProblemKeepsStatusTypeAndDetail() {
        given().get("/test/problems/known").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", is("urn:guard:problem:unknown-key"))
                .body("title", is("Bad request"))
                .body("detail", is("no key with id 0x1234 for this user"))
                .body("instance", is("/test/problems/known"));
    }

    @Test
    void malformedJsonIsA400ThatDoesNotEchoTheInput() {
        given().contentType("application/json").body("{\"name\": \"my-secret-passphrase\", \"size\": ")
                .post("/test/problems/json").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", is("urn:guard:problem:malformed-request-body"))
                .body("detail", startsWith("the request body is not valid JSON of the expected shape"))
                .body(not(containsString("my-secret-passphrase")));
    }

    @Test
    void wrongShapeIsA400() {
        given().contentType("application/json").body("{\"name\": \"x\", \"size\": \"not-a-number\"}")
                .post("/test/problems/json").then().statusCode(400)
                .body("type", is("urn:guard:problem:malformed-request-body"))
                .body(not(containsString("not-a-number")));
    }

    @Test
    void wrongMediaTypeIsA415() {
        given().contentType("text/plain").body("hello").post("/test/problems/json").then().statusCode(415)
                .contentType("application/problem+json")
                .body("type", is("urn:guard:problem:http-415"));
    }

    @Test
    void wrongMethodIsA405() {
        given().delete("/test/problems/known").then().statusCode(405)
                .contentType("application/problem+json")
                .body("type", is("urn:guard:problem:http-405"));
    }

    @Test
    void unexpectedFailureIsAGeneric500WithAnIncidentIdAndNoInternals() {
        given().get("/test/problems/unexpected").then().statusCode(500)
                .contentType("application/problem+json")
                .body("type", is("urn:guard:problem:internal-error"))
                .body("detail", containsString("quote incident "))
                .body(not(containsString("hunter2")))
                .body(not(containsString("IllegalStateException")))
                .body(not(containsString("\tat ")));
    }
}
