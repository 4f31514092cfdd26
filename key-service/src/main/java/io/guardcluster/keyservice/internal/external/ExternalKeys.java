package io.guardcluster.keyservice.internal.external;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import io.guardcluster.keyservice.crypto.CryptoWorkers;
import io.guardcluster.keyservice.directory.MailAddress;
import io.guardcluster.keyservice.directory.wkd.WkdHash;
import io.guardcluster.keyservice.internal.RecipientService.RecipientKey;
import io.guardcluster.keyservice.internal.RecipientService.Source;
import io.guardcluster.keyservice.key.KeysConfig;
import io.guardcluster.keyservice.pgp.KeyInfo;
import io.guardcluster.keyservice.pgp.KeyPolicy;
import io.guardcluster.keyservice.pgp.KeyReader;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.guardcluster.keyservice.pgp.PgpInputException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Recipients' keys from outside Guard: the configured HKP servers and the recipient domain's Web Key Directory,
 * asked in parallel. Nothing found here is stored; the caller gets the keys with their source.
 *
 * <p>A key counts only if it passes {@link KeyPolicy} (algorithms, not revoked or expired, able to encrypt) and one
 * of its user IDs, bound by a valid self-signature, carries the address. HKP servers other than verifying ones
 * (keys.openpgp.org) take any upload, so an HKP key is a claim, not a proof; WKD keys come from the domain itself.
 *
 * <p>Each source sits behind a SmallRye Fault Tolerance guard: a timeout ({@code guard.recipients.timeout}), a
 * circuit breaker, and a fallback to "no key", so a slow, broken or garbage-answering source never fails the
 * lookup. WKD has a guard per domain: it is a different server for every recipient domain, and one domain that
 * hangs must not switch WKD off for all the others. For WKD only timeouts trip the breaker: most domains simply
 * have no WKD (no such host, 404, refused connection), which is an answer, not a failure. The guards are built in
 * code rather than with annotations so the one {@code Duration} property drives them.
 *
 * <p>"No key anywhere" is remembered per address for {@code guard.recipients.miss-cache} when every source
 * answered (never after a timeout or an open breaker): writing to someone without a key is the common case for
 * guests, and each lookup otherwise costs DNS, two WKD requests and the key servers.
 *
 * <p>HTTP runs on the JDK client's own non-blocking I/O (redirects are not followed: they could lead anywhere);
 * DNS checks on Mutiny's worker pool, key parsing on {@link CryptoWorkers}; nothing on the event loop.
 */
@ApplicationScoped
public class ExternalKeys {

    private static final Logger LOG = Logger.getLogger(ExternalKeys.class);
    private static final TypeLiteral<Uni<List<RecipientKey>>> KEYS = new TypeLiteral<>() {
    };
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int MAX_WKD_DOMAINS = 1024;
    private static final int MAX_MISSES = 10_000;
    /** What a guard's fallback answers: "no key" that is not an answer (timeout, open breaker), never remembered. */
    private static final List<RecipientKey> FAILED = Collections.unmodifiableList(new ArrayList<>());

    /** A configured HKP server and its guard. */
    private record Hkp(URI base, TypedGuard<Uni<List<RecipientKey>>> guard) {
    }

    private final RecipientsConfig config;
    private final CryptoWorkers crypto;
    private final MeterRegistry meters;
    private final KeyPolicy policy = KeyPolicy.defaults();
    private final int maxKeyBytes;
    private final HttpClient http;
    private final List<Hkp> hkp;
    /** WKD's guards by domain, least recently used first; bounded, an evicted domain starts afresh. */
    private final Map<String, TypedGuard<Uni<List<RecipientKey>>>> wkdGuards = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TypedGuard<Uni<List<RecipientKey>>>> eldest) {
            return size() > MAX_WKD_DOMAINS;
        }
    };
    /** Addresses nobody outside Guard had a key for, until when that is believed; bounded like the guards. */
    private final Map<String, Instant> misses = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_MISSES;
        }
    };

    ExternalKeys(RecipientsConfig config, KeysConfig keysConfig, CryptoWorkers crypto, MeterRegistry meters) {
        this.config = config;
        this.crypto = crypto;
        this.meters = meters;
        this.maxKeyBytes = (int) Math.min(Integer.MAX_VALUE, keysConfig.uploadLimit().asLongValue());
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        List<Hkp> servers = new ArrayList<>();
        for (String server : config.hkpServers().orElse(List.of())) {
            if (!server.isBlank()) {
                URI base = hkpBase(server.trim());
                servers.add(new Hkp(base, guard("hkp " + base, Source.HKP, false)));
            }
        }
        this.hkp = List.copyOf(servers);
    }

    @PreDestroy
    void close() {
        http.shutdownNow();
    }

    /** Whether any external source is configured. */
    public boolean enabled() {
        return config.wkd().enabled() || !hkp.isEmpty();
    }

    /** Usable keys for {@code email} (normalised), WKD's first, each fingerprint once; empty when nothing answers. */
    public Uni<List<RecipientKey>> find(String email) {
        if (knownMiss(email)) {
            meters.counter("guard.recipients.external", "source", "ALL", "result", "remembered-miss").increment();
            return Uni.createFrom().item(List.of());
        }
        List<Uni<List<RecipientKey>>> lookups = new ArrayList<>();
        if (config.wkd().enabled()) {
            lookups.add(guarded(wkdGuard(MailAddress.domainOf(email)), () -> wkd(email)));
        }
        for (Hkp server : hkp) {
            lookups.add(guarded(server.guard(), () -> hkp(server.base(), email)));
        }
        if (lookups.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join().all(lookups).andFailFast().map(all -> {
            Map<String, RecipientKey> byFingerprint = new LinkedHashMap<>();
            all.forEach(keys -> keys.forEach(key -> byFingerprint.putIfAbsent(key.fingerprint(), key)));
            if (byFingerprint.isEmpty() && all.stream().noneMatch(keys -> keys == FAILED)) {
                rememberMiss(email);
            }
            return List.copyOf(byFingerprint.values());
        });
    }

    // --- the sources ---

    /** HKP (draft-gallagher-openpgp-hkp): {@code /pks/lookup?op=get&options=mr&exact=on&search=<address>}. */
    private Uni<List<RecipientKey>> hkp(URI base, String email) {
        URI uri = URI.create(base + "/pks/lookup?op=get&options=mr&exact=on&search=" + encode(email));
        return get(uri).chain(answer -> {
            if (answer.status() == 404) {
                return Uni.createFrom().item(List.<RecipientKey>of()); // HKP's "no keys found"
            }
            if (answer.status() != 200) {
                return Uni.createFrom().failure(new IOException(uri.getHost() + " answered HTTP " + answer.status()));
            }
            return keysFor(answer.body(), email, Source.HKP);
        });
    }

    /**
     * WKD (draft-koch-openpgp-webkey-service): the advanced method at {@code openpgpkey.<domain>}; the direct method
     * at {@code <domain>} when that host does not exist (the draft's fallback), is private, or has no key (404).
     */
    private Uni<List<RecipientKey>> wkd(String email) {
        String domain = MailAddress.domainOf(email);
        String local = MailAddress.localPartOf(email);
        String path = "/hu/" + WkdHash.of(local) + "?l=" + encode(local);
        Optional<String> override = config.wkd().baseUrlOverride().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        if (override.isPresent()) {
            return wkdAttempt(URI.create(override.get() + "/.well-known/openpgpkey/" + domain + path), email)
                    .chain(found -> found.isPresent() ? Uni.createFrom().item(found.get())
                            : wkdAttempt(URI.create(override.get() + "/.well-known/openpgpkey" + path), email)
                                    .map(direct -> direct.orElse(List.of())));
        }
        if (!domain.contains(".") || IPV4.matcher(domain).matches()) {
            return Uni.createFrom().item(List.of()); // no WKD for single labels and address literals
        }
        String advancedHost = "openpgpkey." + domain;
        return publicHost(advancedHost)
                .chain(advancedOk -> advancedOk
                        ? wkdAttempt(URI.create("https://" + advancedHost + "/.well-known/openpgpkey/" + domain + path), email)
                        : Uni.createFrom().item(Optional.<List<RecipientKey>>empty()))
                .chain(found -> found.isPresent() ? Uni.createFrom().item(found.get())
                        : publicHost(domain).chain(directOk -> directOk
                                ? wkdAttempt(URI.create("https://" + domain + "/.well-known/openpgpkey" + path), email)
                                        .map(direct -> direct.orElse(List.of()))
                                : Uni.createFrom().item(List.of())));
    }

    /** One WKD URL: the keys it serves for the address, or empty when it has none (404: try the other method). */
    private Uni<Optional<List<RecipientKey>>> wkdAttempt(URI uri, String email) {
        return get(uri).chain(answer -> {
            if (answer.status() == 404) {
                return Uni.createFrom().item(Optional.<List<RecipientKey>>empty());
            }
            if (answer.status() != 200) {
                // Some other answer (403, 5xx, a redirect we do not follow): this domain has no usable WKD.
                return Uni.createFrom().item(Optional.of(List.<RecipientKey>of()));
            }
            return keysFor(answer.body(), email, Source.WKD).map(Optional::of);
        });
    }

    /**
     * Whether {@code host} resolves, to public addresses only (unless private ones are allowed). Blocking DNS, so
     * on a worker thread. The HTTP client resolves again when it connects, so this narrows, but cannot close, the
     * window for a name that changes its answer in between.
     */
    private Uni<Boolean> publicHost(String host) {
        return Uni.createFrom().item(() -> {
            try {
                InetAddress[] addresses = InetAddress.getAllByName(host);
                if (config.wkd().allowPrivateAddresses()) {
                    return true;
                }
                for (InetAddress address : addresses) {
                    if (isPrivate(address)) {
                        LOG.debugf("WKD skips %s: it resolves to a non-public address", host);
                        return false;
                    }
                }
                return true;
            } catch (UnknownHostException e) {
                return false;
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xFE) == 0xFC; // unique local fc00::/7
        }
        return (bytes[0] & 0xFF) == 100 && (bytes[1] & 0xC0) == 64; // carrier-grade NAT 100.64.0.0/10
    }

    // --- HTTP ---

    private record Answer(int status, byte[] body) {
    }

    private Uni<Answer> get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.timeout()).GET()
                .header("Accept", "application/pgp-keys, application/octet-stream;q=0.9, */*;q=0.5")
                .header("User-Agent", "guard-cluster key-service").build();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, BoundedBody.handler(maxKeyBytes)))
                .map(response -> new Answer(response.statusCode(), response.body()));
    }

    // --- keys ---

    /** The acceptable keys for {@code email} in a source's answer; garbage is no key. Parsed on a crypto thread. */
    private Uni<List<RecipientKey>> keysFor(byte[] body, String email, Source source) {
        return crypto.run(() -> acceptable(body, email, maxKeyBytes, policy).stream()
                .map(ring -> new RecipientKey(KeyInfo.of(ring).fingerprint(), source, OpenPgpKeys.armor(ring))).toList())
                .invoke(keys -> meters.counter("guard.recipients.external", "source", source.name(), "result",
                        keys.isEmpty() ? "none" : "found").increment());
    }

    static List<PGPPublicKeyRing> acceptable(byte[] body, String email, int maxBytes, KeyPolicy policy) {
        List<PGPKeyRing> rings;
        try {
            rings = KeyReader.read(body, maxBytes);
        } catch (PgpInputException e) {
            LOG.debugf("external source answered something that is not a key: %s", e.getMessage());
            return List.of();
        }
        List<PGPPublicKeyRing> out = new ArrayList<>();
        for (PGPKeyRing ring : rings) {
            if (!(ring instanceof PGPPublicKeyRing publicRing)) {
                continue; // a private key from a key server is nothing we use
            }
            try {
                Optional<String> problem = policy.problem(publicRing);
                if (problem.isPresent()) {
                    LOG.debugf("external key %s refused: %s", KeyInfo.of(publicRing).fingerprint(), problem.get());
                    continue;
                }
                if (!KeyInfo.of(publicRing).emails().contains(email)) {
                    continue; // no user ID with the address (or only one without a valid self-signature)
                }
                out.add(publicRing);
            } catch (RuntimeException e) {
                LOG.debugf("external key could not be evaluated: %s", e.getClass().getSimpleName());
            }
        }
        return out;
    }

    private boolean knownMiss(String email) {
        synchronized (misses) {
            Instant until = misses.get(email);
            if (until != null && until.isBefore(Instant.now())) {
                misses.remove(email);
                return false;
            }
            return until != null;
        }
    }

    private void rememberMiss(String email) {
        if (config.missCache().isPositive()) {
            synchronized (misses) {
                misses.put(email, Instant.now().plus(config.missCache()));
            }
        }
    }

    // --- fault tolerance ---

    private TypedGuard<Uni<List<RecipientKey>>> wkdGuard(String domain) {
        synchronized (wkdGuards) {
            return wkdGuards.computeIfAbsent(domain, d -> guard("wkd " + d, Source.WKD, true));
        }
    }

    private TypedGuard<Uni<List<RecipientKey>>> guard(String name, Source source, boolean onlyTimeoutsFail) {
        RecipientsConfig.CircuitBreaker breaker = config.circuitBreaker();
        return TypedGuard.create(KEYS)
                .withDescription("recipients " + name)
                .withTimeout().duration(config.timeout().toMillis(), ChronoUnit.MILLIS).done()
                .withCircuitBreaker()
                .requestVolumeThreshold(breaker.requestVolume())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                .when(e -> !onlyTimeoutsFail || isTimeout(e))
                .onStateChange(state -> LOG.infof("circuit breaker of %s is now %s", name, state))
                .done()
                .withFallback().handler(e -> {
                    meters.counter("guard.recipients.external", "source", source.name(), "result", "failed").increment();
                    LOG.debugf("%s: no answer (%s)", name, e.getClass().getSimpleName());
                    return Uni.createFrom().item(FAILED);
                }).done()
                .build();
    }

    private static boolean isTimeout(Throwable e) {
        return e instanceof TimeoutException || e instanceof HttpTimeoutException;
    }

    private static Uni<List<RecipientKey>> guarded(TypedGuard<Uni<List<RecipientKey>>> guard,
            java.util.function.Supplier<Uni<List<RecipientKey>>> lookup) {
        return Uni.createFrom().deferred(() -> guard.get(lookup));
    }

    /** {@code hkps://host} is {@code https://host}; {@code hkp://host} is {@code http://host:11371}. */
    static URI hkpBase(String server) {
        URI uri = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return switch (scheme) {
            case "https", "http" -> uri;
            case "hkps" -> URI.create("https://" + uri.getRawAuthority() + path);
            case "hkp" -> URI.create("http://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 11371 : uri.getPort()) + path);
            default -> throw new IllegalArgumentException("guard.recipients.hkp-servers: " + server
                    + " is no http(s) or hkp(s) URL");
        };
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
