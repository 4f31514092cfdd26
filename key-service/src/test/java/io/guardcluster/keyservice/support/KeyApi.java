package io.guardcluster.keyservice.support;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.testing.TestUsers;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** Calls key-service's API as one test user, through the same internal identity the gateway signs. */
public final class KeyApi {

    private final InternalIdentity user;

    public KeyApi(InternalIdentity user) {
        this.user = user;
    }

    public static KeyApi fresh(String name) {
        return new KeyApi(TestUsers.fresh(name));
    }

    public InternalIdentity user() {
        return user;
    }

    public RequestSpecification request() {
        return given().filter(TestUsers.as(user));
    }

    public ValidatableResponse post(String path, Object... keyValues) {
        return request().contentType(ContentType.JSON).body(json(keyValues)).post(path).then();
    }

    public ValidatableResponse put(String path, Object... keyValues) {
        return request().contentType(ContentType.JSON).body(json(keyValues)).put(path).then();
    }

    public ValidatableResponse delete(String path, Object... keyValues) {
        return request().contentType(ContentType.JSON).body(json(keyValues)).delete(path).then();
    }

    /** Creates the user's first key (ed25519 unless a profile is given) with {@code password}; returns its fingerprint. */
    public String createKey(String password, Object... more) {
        Object[] all = new Object[more.length + 2];
        all[0] = "password";
        all[1] = password;
        System.arraycopy(more, 0, all, 2, more.length);
        return post("/api/keys", all).statusCode(201).extract().path("fingerprint");
    }

    private static Map<String, Object> json(Object... keyValues) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            body.put((String) keyValues[i], keyValues[i + 1]);
        }
        return body;
    }
}
