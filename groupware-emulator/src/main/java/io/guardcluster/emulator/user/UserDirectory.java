package io.guardcluster.emulator.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.guardcluster.emulator.config.EmulatorConfig;

/** The configured demo users ({@code guard.emulator.users.*}). */
@ApplicationScoped
public class UserDirectory {

    private final List<DemoUser> users;

    @Inject
    public UserDirectory(EmulatorConfig config) {
        this.users = config.users().entrySet().stream()
                .map(e -> {
                    var u = e.getValue();
                    return new DemoUser(e.getKey(), u.id(), u.contextId(), u.password(), u.email(), u.displayName(),
                            u.firstName().orElse(null), u.lastName().orElse(null), u.locale(), u.timezone());
                })
                .sorted((a, b) -> Integer.compare(a.id(), b.id()))
                .toList();
    }

    public List<DemoUser> all() {
        return users;
    }

    /**
     * The user whose login name or primary address is {@code name} (case-insensitive) and whose password is
     * {@code password}. Unknown user and wrong password are not told apart (OX answers LGI-0006 for both).
     */
    public Optional<DemoUser> authenticate(String name, String password) {
        Optional<DemoUser> user = byLoginOrEmail(name);
        boolean ok = user.isPresent() && MessageDigest.isEqual(user.get().password().getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        return ok ? user : Optional.empty();
    }

    public Optional<DemoUser> byLoginOrEmail(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return users.stream()
                .filter(u -> u.login().toLowerCase(Locale.ROOT).equals(n) || u.email().toLowerCase(Locale.ROOT).equals(n))
                .findFirst();
    }

    public Optional<DemoUser> byEmail(String email) {
        String e = email.toLowerCase(Locale.ROOT);
        return users.stream().filter(u -> u.email().toLowerCase(Locale.ROOT).equals(e)).findFirst();
    }

    public Optional<DemoUser> byId(int contextId, int userId) {
        return users.stream().filter(u -> u.contextId() == contextId && u.id() == userId).findFirst();
    }
}
