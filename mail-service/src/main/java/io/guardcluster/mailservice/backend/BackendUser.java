package io.guardcluster.mailservice.backend;

/**
 * A user of the groupware backend, found by e-mail address through its REST API.
 *
 * @param language the user's language ({@code en_US}), or null
 */
public record BackendUser(String email, int contextId, int userId, String displayName, String language) {
}
