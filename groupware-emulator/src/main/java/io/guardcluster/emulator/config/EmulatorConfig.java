package io.guardcluster.emulator.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Configuration of the groupware backend emulator (prefix {@code guard.emulator}).
 *
 * <p>The names mirror the OX App Suite middleware properties they stand for (given per entry), so the
 * emulator behaves like a middleware node configured that way. All defaults are demo values.
 */
@ConfigMapping(prefix = "guard.emulator")
public interface EmulatorConfig {

    /**
     * The middleware nodes this process emulates behind its cookie-routing front, each named by the route suffix it
     * appends to the {@code JSESSIONID} cookie ({@code <random>.<route>}). OX documents the cookie as "Identifies the
     * target node in an application cluster" with the example value {@code 2648017316273288615.OX1}
     * (appsuite-middleware {@code documentation/login_and_sessions/05_cookies.md}). One entry: a single node, as
     * before the front existed.
     */
    @WithDefault("node1,node2")
    List<String> nodes();

    Sessions session();

    Cookies cookie();

    Login login();

    RestApi restApi();

    Smtp smtp();

    Mail mail();

    /** EMULATOR-ONLY bounds of the in-memory mail storage (a fixture, not a mail store). */
    interface Mail {
        /**
         * The largest message {@code PUT /mail?action=new}, the SMTP sink and the test drop accept; larger ones get
         * {@code MSG-0088} (OX: the upload limit, {@code com.openexchange.mail.maxMailSize} / {@code MAX_UPLOAD_SIZE}).
         */
        @WithDefault("32M")
        MemorySize maxMessageSize();

        /** Bytes all mailboxes together may hold; beyond, the oldest messages are dropped (logged). */
        @WithDefault("64M")
        MemorySize maxStoredBytes();

        /** Messages the outbox (mail to outside recipients) keeps; the oldest are dropped first. */
        @WithDefault("200")
        int outboxCapacity();
    }

    /** EMULATOR-ONLY: the SMTP sink standing in for the groupware's mail system. */
    interface Smtp {
        /** Port on 127.0.0.1 (0 = any free one); absent = no SMTP sink. */
        Optional<Integer> port();
    }

    /** User id of the context administrator, reported as {@code context_admin} by {@code /user/me}. */
    @WithDefault("2")
    int contextAdmin();

    /** The demo users, keyed by login name. */
    Map<String, DemoUserConfig> users();

    interface Sessions {
        /** Idle time after which a session is gone (OX: {@code com.openexchange.sessiond.sessionDefaultLifeTime}). */
        @WithDefault("30M")
        Duration idleTimeout();
    }

    interface Cookies {
        /** OX {@code com.openexchange.cookie.hash}: {@code calculate} (OX default) or {@code remember}. */
        @WithDefault("calculate")
        HashSource hash();

        /** OX {@code com.openexchange.cookie.hash.salt}. */
        @WithDefault("guard-emulator-demo-salt")
        String hashSalt();

        /** OX {@code com.openexchange.cookie.hash.fields}: further request headers hashed into cookie names. */
        Optional<List<String>> hashFields();

        /** OX {@code com.openexchange.cookie.ttl}: cookie Max-Age for {@code staySignedIn=true} logins. */
        @WithDefault("7D")
        Duration ttl();

        /** OX {@code com.openexchange.cookie.httpOnly}. */
        @WithDefault("true")
        boolean httpOnly();
    }

    interface Login {
        /** OX {@code com.openexchange.ajax.login.http-auth.client}: client id used when a login sends none. */
        @WithDefault("open-xchange-appsuite")
        String defaultClient();
    }

    interface RestApi {
        /** OX {@code com.openexchange.rest.services.basic-auth.login} (Guard: {@code restApiUsername}). */
        @WithDefault("guard")
        String username();

        /** OX {@code com.openexchange.rest.services.basic-auth.password} (Guard: {@code restApiPassword}). */
        @WithDefault("guard-rest-secret")
        String password();
    }

    interface DemoUserConfig {
        int id();

        @WithDefault("1")
        int contextId();

        /** Demo-only password. */
        String password();

        /** Primary e-mail address ({@code email1}). */
        String email();

        String displayName();

        Optional<String> firstName();

        Optional<String> lastName();

        @WithDefault("en_US")
        String locale();

        @WithDefault("Europe/Berlin")
        String timezone();
    }

    /** How the name of the secret cookie is found on later requests (OX {@code CookieHashSource}). */
    enum HashSource {
        /** Re-compute from the request's User-Agent and the session's client (OX default). */
        CALCULATE,
        /** Use the hash remembered at login. */
        REMEMBER
    }
}
