package io.guardcluster.emulator.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.guardcluster.emulator.config.EmulatorConfig;

/**
 * The cookie hash that suffixes the OX cookie names ({@code open-xchange-secret-<hash>}, ...).
 *
 * <p>As in appsuite-middleware {@code com.openexchange.ajax.login.HashCalculator#getHash}: MD5 over the
 * User-Agent, the client id, optional additional values (context and user id for the public-session cookie),
 * the configured extra headers ({@code com.openexchange.cookie.hash.fields}) and the salt
 * ({@code com.openexchange.cookie.hash.salt}), Base64-encoded with every non-word character removed.
 * The documentation ({@code login_and_sessions/session_security_features.md}, "Cookie Hash") describes the
 * same: "calculated using the client parameter and the User-Agent header", salted.
 */
@ApplicationScoped
public class CookieHash {

    private final byte[] salt;
    private final List<String> fields;

    @Inject
    public CookieHash(EmulatorConfig config) {
        this(config.cookie().hashSalt(), config.cookie().hashFields().orElse(List.of()));
    }

    public CookieHash(String salt, List<String> fields) {
        this.salt = salt.getBytes(StandardCharsets.UTF_8);
        this.fields = List.copyOf(fields);
    }

    /**
     * @param userAgent   the User-Agent (null counts as empty)
     * @param client      the client id, or null
     * @param headers     looks up request headers by name (for the configured hash fields)
     * @param additionals further values, e.g. context and user id
     */
    public String hash(String userAgent, String client, Function<String, String> headers, String... additionals) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 not available", e);
        }
        md.update((userAgent == null ? "" : userAgent).getBytes(StandardCharsets.UTF_8));
        if (client != null) {
            md.update(client.getBytes(StandardCharsets.UTF_8));
        }
        for (String value : additionals) {
            md.update(value.getBytes(StandardCharsets.UTF_8));
        }
        for (String field : fields) {
            String header = field.isBlank() ? null : headers.apply(field);
            if (header != null && !header.isEmpty()) {
                md.update(header.getBytes(StandardCharsets.UTF_8));
            }
        }
        md.update(salt);
        String base64 = Base64.getEncoder().encodeToString(md.digest());
        StringBuilder word = new StringBuilder(base64.length());
        for (char ch : base64.toCharArray()) {
            if (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_') {
                word.append(ch);
            }
        }
        return word.toString();
    }
}
