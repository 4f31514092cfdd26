package io.guardcluster.emulator.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks a REST resource as protected by the middleware's REST basic auth
 * ({@code com.openexchange.rest.services.basic-auth.login}/{@code .password}; OX's {@code @RoleAllowed(Role.BASIC_AUTHENTICATED)}).
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface RestBasicAuth {
}
