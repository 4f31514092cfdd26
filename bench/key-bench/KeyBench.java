import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.identity.RequestBinding;
import io.guardcluster.common.masterkey.MasterKeyFile;
import io.guardcluster.keyservice.account.AccountConfig;
import io.guardcluster.keyservice.account.KeyProtectionSecret;
import io.guardcluster.keyservice.account.PasswordWrap;
import io.guardcluster.keyservice.pgp.KeyMaterial;
import io.guardcluster.keyservice.pgp.KeyProfile;
import io.guardcluster.keyservice.pgp.OpenPgpKeys;
import io.guardcluster.keyservice.pgp.SessionKey;
import io.guardcluster.keyservice.pgp.SessionKeyDecryptor;
import io.smallrye.config.WithDefault;

/**
 * The Java half of {@code bench/key-bench.sh}: in-process measurements of key-service's own code, and an HTTP
 * client that calls key-service directly the way the gateway does (a fresh internal identity per request, signed
 * with the stack's {@code oxguardpass}). Compiled by the script against key-service's packaged class path; not
 * part of the Maven build.
 *
 * <p>Every mode appends {@code key=value} lines to the results file ({@code --out}); {@code report} turns that file
 * (plus what the script measured with gpg) into the Markdown report.
 *
 * <pre>
 * prepare  --dir D --email E          keys as key-service generates them (unprotected copies, for gpg and the import)
 * local    --dir D --out F ...        Argon2id unwraps/s, SessionKeyDecryptor.decrypt ops/s (1 thread, all cores)
 * setup    --url U --master M ...     bench users with a Guard password and an unlock token each
 * warmup   --url U --seconds S ...   JIT warm-up of a key-service on the measured paths (warm-up users only;
 *                                     --rsa N: also N RSA-3072 provisions)
 * provision --url U --profile P ...   POST /api/keys latency, one request at a time
 * unlock-http / session-http          POST /api/keys/unlock and /api/keys/internal/session-keys, 1 and N clients
 * report   --out F --md R             the Markdown report
 * </pre>
 */
public final class KeyBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CONTEXT = 1;
    /** Far above the emulator's demo users and the range TestUsers draws from. */
    private static final int FIRST_USER = 900_000;
    static final String PROTECTED_PASSPHRASE = "bench-passphrase-for-gpg";

    private final Map<String, String> opts;
    private final Path out;

    private KeyBench(Map<String, String> opts) {
        this.opts = opts;
        this.out = opts.containsKey("out") ? Path.of(opts.get("out")) : null;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("mode required: prepare, local, setup, provision, unlock-http, session-http, report");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        KeyBench bench = new KeyBench(opts);
        switch (args[0]) {
            case "prepare" -> bench.prepare();
            case "local" -> bench.local();
            case "setup" -> bench.setup();
            case "provision" -> bench.provision();
            case "warmup" -> bench.warmup();
            case "unlock-http" -> bench.unlockHttp();
            case "session-http" -> bench.sessionHttp();
            case "report" -> Report.write(Path.of(opts.get("out")), Path.of(opts.get("md")));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0); // HttpClient's selector thread would keep the JVM up for a while
    }

    // ------------------------------------------------------------------------------------------ options / output

    private String opt(String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private int intOpt(String name, int def) {
        return opts.containsKey(name) ? Integer.parseInt(opts.get(name)) : def;
    }

    private double secondsOpt(String name, double def) {
        return opts.containsKey(name) ? Double.parseDouble(opts.get(name)) : def;
    }

    private synchronized void result(String key, Object value) throws IOException {
        String v = value instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(value);
        System.out.println("  " + key + " = " + v);
        if (out != null) {
            Files.writeString(out, key + "=" + v + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[KeyBench %tT] %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, args));
    }

    // ------------------------------------------------------------------------------------------------ statistics

    /** Latencies in nanoseconds; percentiles by nearest rank (p99 of 50 samples is the largest). */
    record Stats(int n, double min, double p50, double p90, double p99, double max, double mean) {
        static Stats of(long[] nanos, int n) {
            long[] s = Arrays.copyOf(nanos, n);
            Arrays.sort(s);
            double sum = 0;
            for (long v : s) {
                sum += v;
            }
            return new Stats(n, s[0] / 1e6, rank(s, 0.50), rank(s, 0.90), rank(s, 0.99), s[n - 1] / 1e6, sum / n / 1e6);
        }

        private static double rank(long[] sorted, double p) {
            int i = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

    private void stats(String prefix, Stats s) throws IOException {
        result(prefix + ".n", s.n());
        result(prefix + ".min_ms", s.min());
        result(prefix + ".p50_ms", s.p50());
        result(prefix + ".p90_ms", s.p90());
        result(prefix + ".p99_ms", s.p99());
        result(prefix + ".max_ms", s.max());
        result(prefix + ".mean_ms", s.mean());
    }

    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** What one timed loop (one or more threads) did. */
    record Run(long ops, double seconds, Stats latency) {
        double opsPerSecond() {
            return ops / seconds;
        }
    }

    /**
     * Runs one op per thread in a loop: {@code warmup} seconds unmeasured, then {@code seconds} measured (every op
     * timed). All threads start and stop together; ops/s = all ops of all threads / wall time of the measured part.
     */
    static Run timed(int threads, double warmup, double seconds, Callable<Op> perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            long[] window = new long[2];
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    Op op = perThread.call();
                    long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
                    while (System.nanoTime() < warmEnd) {
                        op.run();
                    }
                    start.await();
                    long begin = System.nanoTime();
                    synchronized (window) {
                        if (window[0] == 0 || begin < window[0]) {
                            window[0] = begin;
                        }
                    }
                    long end = begin + (long) (seconds * 1e9);
                    long[] lat = new long[1024];
                    int n = 0;
                    long now = begin;
                    while (now < end) {
                        long t0 = System.nanoTime();
                        op.run();
                        now = System.nanoTime();
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = now - t0;
                    }
                    synchronized (window) {
                        window[1] = Math.max(window[1], now);
                    }
                    long[] r = Arrays.copyOf(lat, n + 1);
                    r[n] = n;
                    return r;
                }));
            }
            List<long[]> all = new ArrayList<>();
            long total = 0;
            for (Future<long[]> f : futures) {
                long[] r = f.get();
                int n = (int) r[r.length - 1];
                all.add(Arrays.copyOf(r, n));
                total += n;
            }
            long[] merged = new long[(int) total];
            int p = 0;
            for (long[] a : all) {
                System.arraycopy(a, 0, merged, p, a.length);
                p += a.length;
            }
            return new Run(total, (window[1] - window[0]) / 1e9, Stats.of(merged, merged.length));
        } finally {
            pool.shutdownNow();
        }
    }

    private void run(String prefix, Run r) throws IOException {
        result(prefix + ".ops_per_s", r.opsPerSecond());
        result(prefix + ".seconds", r.seconds());
        stats(prefix, r.latency());
    }

    // ------------------------------------------------------------------------------------------------- prepare

    /**
     * Keys exactly as key-service generates them ({@link KeyMaterial#generate}, {@link OpenPgpKeys#certify}): an
     * ed25519-profile key (EdDSA primary, ECDH Cv25519 subkey, v4) and an rsa3072 one, both with the user ID
     * {@code Key Bench <email>}, written unprotected (armored) for gpg and for the import into key-service; and one
     * more ed25519-profile key protected with a passphrase (export protection) for gpg's passphrase cost.
     */
    void prepare() throws Exception {
        Path dir = Path.of(opt("dir"));
        String email = opt("email");
        Instant now = Instant.now();
        for (KeyProfile profile : List.of(KeyProfile.ED25519, KeyProfile.RSA3072)) {
            PGPSecretKeyRing ring = OpenPgpKeys.certify(KeyMaterial.generate(profile, now), "Key Bench <" + email + ">",
                    Optional.empty(), new char[0], OpenPgpKeys.Protection.STORAGE);
            Files.writeString(dir.resolve(fileName(profile) + ".asc"), OpenPgpKeys.armor(ring));
        }
        PGPSecretKeyRing protectedRing = OpenPgpKeys.certify(KeyMaterial.generate(KeyProfile.ED25519, now),
                "Key Bench Protected <kb-protected@example.com>", Optional.empty(), PROTECTED_PASSPHRASE.toCharArray(),
                OpenPgpKeys.Protection.EXPORT);
        Files.writeString(dir.resolve("x25519-protected.asc"), OpenPgpKeys.armor(protectedRing));
        Files.writeString(dir.resolve("x25519-protected.pass"), PROTECTED_PASSPHRASE);
        log("keys written to %s", dir);
    }

    static String fileName(KeyProfile profile) {
        return profile.algorithm() == KeyProfile.Algorithm.ED25519 ? "x25519" : profile.id();
    }

    static PGPSecretKeyRing readArmoredSecret(Path file) throws Exception {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            return new PGPSecretKeyRing(in, new BcKeyFingerprintCalculator());
        }
    }

    // --------------------------------------------------------------------------------------------------- local

    /** The Guard password hash's cost as configured by default ({@link AccountConfig.Password}). */
    static PasswordWrap.Cost defaultCost() throws Exception {
        Class<?> c = AccountConfig.Password.class;
        return new PasswordWrap.Cost(def(c, "memoryKib"), def(c, "iterations"), def(c, "parallelism"));
    }

    private static int def(Class<?> c, String method) throws Exception {
        return Integer.parseInt(c.getMethod(method).getAnnotation(WithDefault.class).value());
    }

    void local() throws Exception {
        Path dir = Path.of(opt("dir"));
        double warmup = secondsOpt("warmup", 3);
        double seconds = secondsOpt("seconds", 5);
        int threads = intOpt("threads", Runtime.getRuntime().availableProcessors());
        String only = opts.getOrDefault("only", "argon2,certify,x25519,rsa3072");

        if (only.contains("certify")) {
            // What key-service does on the crypto pool for POST /api/keys once it has the material (KeyService.generateWith,
            // minus the pool's Infinispan round trip): decode the pooled material, certify it for the user (self-signatures,
            // S2K storage protection), encode for the database. Ed25519 is never pooled: generated, then the same.
            char[] storage = KeyProtectionSecret.random(RANDOM).storagePassphrase();
            // As the pool holds it: the subkey already bound (OpenPgpPoolKeyGenerator), so certifying signs the user ID only.
            byte[] pooled = OpenPgpKeys.bindSubkey(KeyMaterial.generate(KeyProfile.RSA3072, Instant.now()), Optional.empty())
                    .encode();
            Callable<Op> rsa = () -> () -> OpenPgpKeys.encode(OpenPgpKeys.certify(KeyMaterial.decode(pooled),
                    "Key Bench <kb-certify@example.com>", Optional.empty(), storage, OpenPgpKeys.Protection.STORAGE));
            Callable<Op> ed = () -> () -> OpenPgpKeys.encode(OpenPgpKeys.certify(KeyMaterial.generate(KeyProfile.ED25519,
                    Instant.now()), "Key Bench <kb-certify@example.com>", Optional.empty(), storage,
                    OpenPgpKeys.Protection.STORAGE));
            log("pooled RSA-3072 material: decode + certify + encode, 1 thread");
            run("local.certify.rsa3072.t1", timed(1, warmup, seconds, rsa));
            log("Ed25519: generate + certify + encode, 1 thread");
            run("local.certify.ed25519.t1", timed(1, warmup, seconds, ed));
        }

        if (only.contains("argon2")) {
            PasswordWrap.Cost cost = defaultCost();
            result("local.argon2.cost", cost.memoryKib() + " KiB, t=" + cost.iterations() + ", p=" + cost.parallelism());
            char[] password = "correct horse battery staple".toCharArray();
            byte[] wrap = PasswordWrap.wrap(KeyProtectionSecret.random(RANDOM), password, cost, CONTEXT, 1, RANDOM);
            Callable<Op> unwrap = () -> () -> PasswordWrap.unwrap(wrap, password, CONTEXT, 1).close();
            log("Argon2id unwrap (PasswordWrap.unwrap), 1 thread");
            run("local.argon2.t1", timed(1, warmup, seconds, unwrap));
            log("Argon2id unwrap, %d threads", threads);
            run("local.argon2.tN", timed(threads, 1, seconds, unwrap));
        }
        for (String alg : List.of("x25519", "rsa3072")) {
            if (!only.contains(alg)) {
                continue;
            }
            byte[] message = Files.readAllBytes(dir.resolve(alg + ".msg"));
            PGPSecretKeyRing unprotected = readArmoredSecret(dir.resolve(alg + ".asc"));
            // As key-service stores it: S2K-protected (storage protection) under a user's key-protection secret.
            char[] passphrase = KeyProtectionSecret.random(RANDOM).storagePassphrase();
            PGPSecretKeyRing stored = OpenPgpKeys.reprotect(unprotected, new char[0], passphrase,
                    OpenPgpKeys.Protection.STORAGE);
            byte[] encoded = OpenPgpKeys.encode(stored);
            SessionKey check = SessionKeyDecryptor.decrypt(message, stored, passphrase);
            // For the script's check that gpg, this and the HTTP endpoint agree (kept out of the results file).
            Files.writeString(dir.resolve(alg + ".sk-local"), check.toSopString() + "\n");
            result("local." + alg + ".message_bytes", message.length);
            Callable<Op> decrypt = () -> {
                PGPSecretKeyRing ring = OpenPgpKeys.readSecret(encoded);
                char[] pass = passphrase.clone();
                return () -> SessionKeyDecryptor.decrypt(message, ring, pass).clear();
            };
            Callable<Op> parseAndDecrypt = () -> {
                char[] pass = passphrase.clone();
                return () -> SessionKeyDecryptor.decrypt(message, OpenPgpKeys.readSecret(encoded), pass).clear();
            };
            log("SessionKeyDecryptor.decrypt %s, 1 thread", alg);
            run("local." + alg + ".t1", timed(1, warmup, seconds, decrypt));
            log("SessionKeyDecryptor.decrypt %s, %d threads", alg, threads);
            run("local." + alg + ".tN", timed(threads, 1, seconds, decrypt));
            log("OpenPgpKeys.readSecret + SessionKeyDecryptor.decrypt %s, 1 thread", alg);
            run("local." + alg + ".parse.t1", timed(1, 1, seconds, parseAndDecrypt));
        }
        result("local.threads", threads);
    }

    // ------------------------------------------------------------------------------------------------ HTTP client

    /** A bench user: context 1, its own user id, a password and (after setup) an unlock token. */
    record User(int userId, String email, String password, String token) {
    }

    private final AtomicInteger unlock503 = new AtomicInteger();

    private final class Client {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final URI base;
        final String authority;
        final InternalIdentityCodec codec;

        Client() throws Exception {
            base = URI.create(opt("url"));
            authority = base.getHost() + ":" + base.getPort();
            codec = new InternalIdentityCodec(MasterKeyFile.read(Path.of(opt("master"))), Clock.systemUTC());
        }

        /** The gateway's part: an identity for exactly this request, valid for 30 s. */
        HttpResponse<String> call(User user, String method, String path, Object body) throws Exception {
            InternalIdentity identity = new InternalIdentity(CONTEXT, user.userId(), user.email(),
                    Instant.now().plusSeconds(30));
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                    .header(InternalIdentityCodec.HEADER, codec.sign(identity, new RequestBinding(method, authority, path)))
                    .header("Accept", "application/json");
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode expect(int status, User user, String method, String path, Object body) throws Exception {
            HttpResponse<String> r = call(user, method, path, body);
            if (r.statusCode() != status) {
                throw new IllegalStateException(method + " " + path + " as user " + user.userId() + " answered "
                        + r.statusCode() + " (expected " + status + "): " + r.body());
            }
            return r.body().isEmpty() ? null : JSON.readTree(r.body());
        }

        /**
         * An unlock token for 60 minutes. A 503 means key-service could not reach its unlock-token cache in time (it
         * opens, and on a new cluster creates, that Infinispan cache on first use, bounded by 2 s): retried for up to
         * 60 s, and counted in the results, since it is something the service did.
         */
        String unlockToken(User u) throws Exception {
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> r = call(u, "POST", "/api/keys/unlock", body("password", u.password(), "rememberMinutes", 60));
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body()).get("unlockToken").asText();
                }
                if (r.statusCode() != 503 || attempt == 30) {
                    throw new IllegalStateException("POST /api/keys/unlock as user " + u.userId() + " answered "
                            + r.statusCode() + ": " + r.body());
                }
                unlock503.incrementAndGet();
                log("POST /api/keys/unlock answered 503 (%s); retrying in 2 s", JSON.readTree(r.body()).path("type").asText());
                Thread.sleep(2000);
            }
        }

        String get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    /** The users the measured requests rotate over. */
    private List<User> users(Properties state) {
        return users(state, 0, Integer.parseInt(state.getProperty("users")));
    }

    /** Users only warm-ups use, so that the measured users' key lists stay short. */
    private List<User> warmupUsers(Properties state) {
        int first = Integer.parseInt(state.getProperty("users"));
        return users(state, first, first + Integer.parseInt(state.getProperty("warmup-users")));
    }

    private List<User> users(Properties state, int from, int to) {
        List<User> users = new ArrayList<>();
        for (int i = from; i < to; i++) {
            users.add(new User(Integer.parseInt(state.getProperty("user." + i + ".id")), state.getProperty("user." + i + ".email"),
                    state.getProperty("user." + i + ".password"), state.getProperty("user." + i + ".token")));
        }
        return users;
    }

    private User sessionUser(Properties state) {
        return new User(Integer.parseInt(state.getProperty("sk.id")), state.getProperty("sk.email"),
                state.getProperty("sk.password"), state.getProperty("sk.token"));
    }

    private Properties loadState() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(opt("state")))) {
            p.load(in);
        }
        return p;
    }

    // --------------------------------------------------------------------------------------------------- setup

    /**
     * Bench users: each gets a first key (ed25519: the call that sets the Guard password, Argon2 included, not
     * measured) and one unlock token (POST /api/keys/unlock, 60 min) that every later call uses. The session-key
     * user imports the two prepared keys so the messages gpg encrypted to them can be decrypted over HTTP too.
     */
    void setup() throws Exception {
        Client c = new Client();
        int count = intOpt("users", 40);
        int warmupUsers = intOpt("warmup-users", 8);
        Path dir = Path.of(opt("dir"));
        Properties state = new Properties();
        state.setProperty("users", Integer.toString(count));
        state.setProperty("warmup-users", Integer.toString(warmupUsers));
        for (int i = 0; i < count + warmupUsers; i++) {
            int id = FIRST_USER + 1 + i;
            User u = new User(id, "kb-user-" + id + "@example.com", "bench-password-" + id, null);
            c.expect(201, u, "POST", "/api/keys", body("password", u.password(), "profile", "ed25519"));
            String token = c.unlockToken(u);
            state.setProperty("user." + i + ".id", Integer.toString(id));
            state.setProperty("user." + i + ".email", u.email());
            state.setProperty("user." + i + ".password", u.password());
            state.setProperty("user." + i + ".token", token);
        }
        User sk = new User(FIRST_USER, opt("email"), "bench-password-session-keys", null);
        c.expect(201, sk, "POST", "/api/keys/import",
                body("key", Files.readString(dir.resolve("x25519.asc")), "password", sk.password()));
        String token = c.unlockToken(sk);
        c.expect(201, sk, "POST", "/api/keys/import", body("key", Files.readString(dir.resolve("rsa3072.asc")),
                "unlockToken", token, "makeCurrent", false));
        state.setProperty("sk.id", Integer.toString(sk.userId()));
        state.setProperty("sk.email", sk.email());
        state.setProperty("sk.password", sk.password());
        state.setProperty("sk.token", token);
        try (Writer w = Files.newBufferedWriter(Path.of(opt("state")))) {
            state.store(w, "key-bench users (throw-away stack)");
        }
        result("setup.unlock_503", unlock503.get());
        log("%d users (+ %d for warm-ups) with a Guard password and an unlock token; session-key user %d with both keys imported",
                count, warmupUsers, sk.userId());
    }

    // ----------------------------------------------------------------------------------------------- provision

    private static final Pattern METRIC = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);

    /** Prometheus text → name{labels} → value, for the metrics this bench reads. */
    static Map<String, Double> metrics(String text) {
        Map<String, Double> m = new TreeMap<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            String name = matcher.group(1);
            if (name.startsWith("guard_key") || name.startsWith("guard_keys")) {
                try {
                    m.put(name + (matcher.group(2) == null ? "" : matcher.group(2)), Double.parseDouble(matcher.group(3)));
                } catch (NumberFormatException ignored) {
                    // NaN etc.
                }
            }
        }
        return m;
    }

    static double metric(Map<String, Double> m, String name, String... labels) {
        double sum = 0;
        for (Map.Entry<String, Double> e : m.entrySet()) {
            String k = e.getKey();
            if (!k.equals(name) && !k.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= k.contains(label);
            }
            if (all) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /**
     * POST /api/keys with an unlock token (no Argon2 in the number), one request at a time, users round-robin.
     * Warm-up: list requests and {@code --warmup-samples} generations of the profile, not measured. Also records
     * what the service's own metrics say happened (pool claims, keys generated in the background meanwhile, the
     * server-side {@code guard.keys.provisioning} timer).
     */
    void provision() throws Exception {
        Client c = new Client();
        Properties state = loadState();
        List<User> users = users(state);
        String profile = opt("profile");
        String label = opt("label");
        int samples = intOpt("samples", 50);
        int warmupSamples = intOpt("warmup-samples", 3);
        int offset = intOpt("user-offset", 0);
        String prefix = "prov." + label;

        // Warms this client JVM (and tops up the service's JIT) on the paths every sample takes, with other users.
        warmLoop(c, warmupUsers(state), null, secondsOpt("warmup-seconds", 3));
        AtomicInteger next = new AtomicInteger(offset);
        for (int i = 0; i < warmupSamples; i++) {
            User u = users.get(next.getAndIncrement() % users.size());
            c.expect(201, u, "POST", "/api/keys", body("unlockToken", u.token(), "profile", profile, "makeCurrent", false));
        }
        Map<String, Double> before = metrics(c.get("/q/metrics"));
        long[] lat = new long[samples];
        long[] list = new long[samples];
        for (int i = 0; i < samples; i++) {
            User u = users.get(next.getAndIncrement() % users.size());
            // The baseline at the same moment: an authenticated request with one small query (the user's key list).
            long l0 = System.nanoTime();
            c.expect(200, u, "GET", "/api/keys", null);
            list[i] = System.nanoTime() - l0;
            Map<String, Object> b = body("unlockToken", u.token(), "profile", profile, "makeCurrent", false);
            long t0 = System.nanoTime();
            HttpResponse<String> r = c.call(u, "POST", "/api/keys", b);
            lat[i] = System.nanoTime() - t0;
            if (r.statusCode() != 201) {
                throw new IllegalStateException("POST /api/keys (" + profile + ") answered " + r.statusCode() + ": " + r.body());
            }
        }
        Map<String, Double> after = metrics(c.get("/q/metrics"));
        Stats s = Stats.of(lat, samples);
        log("%s: %s", label, s);
        result(prefix + ".profile", profile);
        stats(prefix, s);
        stats(prefix + ".list", Stats.of(list, samples));
        // In order: the pool empties as the run goes on (claims outpace the refill), which the halves show.
        StringBuilder series = new StringBuilder();
        for (long v : lat) {
            series.append(series.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v / 1e6));
        }
        result(prefix + ".series_ms", series);
        int half = samples / 2;
        if (half > 0) {
            stats(prefix + ".first_half", Stats.of(lat, half));
            stats(prefix + ".second_half", Stats.of(Arrays.copyOfRange(lat, half, samples), samples - half));
        }
        String p = "profile=\"" + profile + "\"";
        for (String kind : List.of("hit", "miss", "unavailable")) {
            result(prefix + ".claims_" + kind, (long) (metric(after, "guard_key_cache_claims_total", p, "result=\"" + kind + "\"")
                    - metric(before, "guard_key_cache_claims_total", p, "result=\"" + kind + "\"")));
        }
        result(prefix + ".generated_in_background", (long) (metric(after, "guard_key_cache_generated_total", p)
                - metric(before, "guard_key_cache_generated_total", p)));
        result(prefix + ".pool_before", (long) metric(before, "guard_key_cache_size", p));
        result(prefix + ".pool_after", (long) metric(after, "guard_key_cache_size", p));
        double count = metric(after, "guard_keys_provisioning_seconds_count", p) - metric(before, "guard_keys_provisioning_seconds_count", p);
        double sum = metric(after, "guard_keys_provisioning_seconds_sum", p) - metric(before, "guard_keys_provisioning_seconds_sum", p);
        if (count > 0) {
            result(prefix + ".server_mean_ms", sum / count * 1000);
            // Micrometer's max: the largest in its recent window (2 min), i.e. of this run and the warm-up.
            result(prefix + ".server_max_ms", metric(after, "guard_keys_provisioning_seconds_max", p) * 1000);
        }
        double claims = metric(after, "guard_key_cache_claim_seconds_count", p) - metric(before, "guard_key_cache_claim_seconds_count", p);
        if (claims > 0) {
            result(prefix + ".claim_mean_ms", (metric(after, "guard_key_cache_claim_seconds_sum", p)
                    - metric(before, "guard_key_cache_claim_seconds_sum", p)) / claims * 1000);
        }
    }

    /**
     * Warms a key-service up (JIT) on the paths the measurements take: identity check, key list, Ed25519 provisioning
     * with an unlock token, and (with {@code dir}) session-key decryption of both messages; warm-up users only.
     */
    void warmup() throws Exception {
        Client c = new Client();
        Properties state = loadState();
        double seconds = secondsOpt("seconds", 10);
        log("warming up %s for %.0f s", opt("url"), seconds);
        List<User> users = warmupUsers(state);
        // RSA provisioning: a pooled key-service claims from the pool (refilled before the measurement), so the claim,
        // RSA certification and storing paths are compiled too, not only the Ed25519 ones.
        for (int i = 0; i < intOpt("rsa", 0); i++) {
            User u = users.get(i % users.size());
            c.expect(201, u, "POST", "/api/keys", body("unlockToken", u.token(), "profile", "rsa3072", "makeCurrent", false));
        }
        // The same certification, encoding and storing code with RSA-2048 keys generated inline (not pooled): a JVM
        // compiles those paths fully only after hundreds of runs, more than the pool could supply before the
        // measurement, and a replica in production has long been through them.
        for (int i = 0; i < intOpt("rsa-inline", 0); i++) {
            User u = users.get(i % users.size());
            c.expect(201, u, "POST", "/api/keys", body("unlockToken", u.token(), "profile", "rsa2048", "makeCurrent", false));
        }
        int n = warmLoop(c, users, opts.containsKey("dir") ? Path.of(opt("dir")) : null, seconds);
        log("warm-up: %d requests", n);
    }

    private int warmLoop(Client c, List<User> users, Path dir, double seconds) throws Exception {
        List<Map<String, Object>> sessionKeys = new ArrayList<>();
        User sk = null;
        if (dir != null) {
            Properties state = loadState();
            sk = sessionUser(state);
            for (String alg : List.of("x25519", "rsa3072")) {
                sessionKeys.add(body("encryptedSessionKeys", Base64.getEncoder().encodeToString(
                        Files.readAllBytes(dir.resolve(alg + ".msg"))), "unlockToken", sk.token()));
            }
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int n = 0;
        for (int i = 0; System.nanoTime() < end; i++) {
            User u = users.get(i % users.size());
            c.expect(200, u, "GET", "/api/keys/version", null);
            c.expect(200, u, "GET", "/api/keys", null);
            n += 2;
            if (i % 4 == 0) {
                c.expect(201, u, "POST", "/api/keys", body("unlockToken", u.token(), "profile", "ed25519", "makeCurrent", false));
                n++;
            }
            for (Map<String, Object> b : sessionKeys) {
                c.expect(200, sk, "POST", "/api/keys/internal/session-keys", b);
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------- unlock, HTTP

    /** POST /api/keys/unlock with the password (Argon2id unwrap + an unlock token stored in Infinispan). */
    void unlockHttp() throws Exception {
        Client c = new Client();
        List<User> users = users(loadState());
        int threads = intOpt("threads", Runtime.getRuntime().availableProcessors());
        double warmup = secondsOpt("warmup", 2);
        double seconds = secondsOpt("seconds", 5);
        AtomicInteger next = new AtomicInteger();
        Callable<Op> perThread = () -> {
            User u = users.get(next.getAndIncrement() % users.size());
            Map<String, Object> b = body("password", u.password(), "rememberMinutes", 1);
            return () -> {
                HttpResponse<String> r = c.call(u, "POST", "/api/keys/unlock", b);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("unlock answered " + r.statusCode() + ": " + r.body());
                }
            };
        };
        log("POST /api/keys/unlock, 1 client");
        run("http.unlock.t1", timed(1, warmup, seconds, perThread));
        log("POST /api/keys/unlock, %d clients", threads);
        run("http.unlock.tN", timed(threads, 1, seconds, perThread));
    }

    // ------------------------------------------------------------------------------------- session keys, HTTP

    /** POST /api/keys/internal/session-keys with the unlock token, for the messages gpg encrypted. */
    void sessionHttp() throws Exception {
        Client c = new Client();
        User sk = sessionUser(loadState());
        Path dir = Path.of(opt("dir"));
        int threads = intOpt("threads", 4);
        double warmup = secondsOpt("warmup", 2);
        double seconds = secondsOpt("seconds", 5);
        for (String alg : List.of("x25519", "rsa3072")) {
            byte[] message = Files.readAllBytes(dir.resolve(alg + ".msg"));
            // What mail-service sends: the packets before the encrypted data (the whole small message works too).
            String packets = Base64.getEncoder().encodeToString(message);
            SessionKey expected = SessionKeyDecryptor.decrypt(message, readArmoredSecret(dir.resolve(alg + ".asc")), new char[0]);
            String expectedKey = Base64.getEncoder().encodeToString(expected.key());
            Map<String, Object> b = body("encryptedSessionKeys", packets, "unlockToken", sk.token());
            Callable<Op> perThread = () -> () -> {
                HttpResponse<String> r = c.call(sk, "POST", "/api/keys/internal/session-keys", b);
                if (r.statusCode() != 200 || !JSON.readTree(r.body()).get("sessionKey").asText().equals(expectedKey)) {
                    throw new IllegalStateException("session-keys answered " + r.statusCode() + ": " + r.body());
                }
            };
            log("POST /api/keys/internal/session-keys %s, 1 client", alg);
            run("http.sk." + alg + ".t1", timed(1, warmup, seconds, perThread));
            log("POST /api/keys/internal/session-keys %s, %d clients", alg, threads);
            run("http.sk." + alg + ".tN", timed(threads, 1, seconds, perThread));
        }
        result("http.sk.threads", threads);
    }

    // -------------------------------------------------------------------------------------------------- report

    /** Renders the results file as Markdown. */
    static final class Report {

        private final Properties r = new Properties();
        private final StringBuilder md = new StringBuilder();

        static void write(Path results, Path markdown) throws IOException {
            Report report = new Report();
            try (java.io.Reader in = Files.newBufferedReader(results, StandardCharsets.UTF_8)) {
                report.r.load(in);
            }
            report.render();
            Files.writeString(markdown, report.md.toString());
        }

        private String s(String key) {
            return r.getProperty(key, "");
        }

        private boolean has(String key) {
            return r.containsKey(key);
        }

        private double d(String key) {
            String v = r.getProperty(key);
            return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        }

        private static String ms(double v) {
            if (Double.isNaN(v)) {
                return "–";
            }
            return v >= 100 ? String.format(Locale.ROOT, "%.0f ms", v)
                    : v >= 10 ? String.format(Locale.ROOT, "%.1f ms", v) : String.format(Locale.ROOT, "%.2f ms", v);
        }

        private static String rate(double v) {
            if (Double.isNaN(v)) {
                return "–";
            }
            return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
        }

        private void line(String format, Object... args) {
            md.append(String.format(Locale.ROOT, format, args)).append('\n');
        }

        private String foreign(String phase) {
            return has("phase." + phase + ".foreign_pct") ? s("phase." + phase + ".foreign_pct") + " %" : "–";
        }

        private void render() {
            int n = Integer.parseInt(s("machine.nproc"));
            line("# key-service benchmark, %s", s("run.date"));
            line("");
            line("`bash bench/key-bench.sh` at %s, %s UTC to %s UTC (%s s). Machine and caveats at the end.", s("run.git"),
                    s("run.start"), s("run.end"), s("run.seconds"));
            line("");
            line("HTTP figures: requests **straight to key-service** (no gateway), each with a fresh internal identity signed");
            line("by the benchmark with the stack's `oxguardpass`, exactly as the gateway signs it (and verified and");
            line("replay-checked by key-service as usual); one Java `HttpClient` keep-alive connection per client thread. The");
            line("gateway adds ~0.1–0.2 ms per request on top (`bench/results/gateway-*.md`, light load).");
            line("");

            // --- provisioning
            line("## Key provisioning: `POST /api/keys` with an unlock token, one request at a time");
            line("");
            line("Latency seen by the client (request sent → 201 with the new key's metadata): unlock by token (Infinispan),");
            line("key material (from the pool, or generated), certification (self-signatures) and S2K protection, one");
            line("transaction storing key and index rows, and the list query that builds the answer. Users round-robin over");
            line("%s bench users who already had their Guard password and one key (Argon2 is not in these numbers).", s("setup.users"));
            line("");
            line("| variant | n | min | p50 | p90 | p99 | max | mean | server-side mean / max | `GET /api/keys` p50 / p99 meanwhile | pool claims hit / miss | pool before → after, keys generated meanwhile | other processes' CPU |");
            line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            provisionRow("warm", "RSA-3072, pool WARM (size " + s("config.pool_size") + ", filled first; warm-up: " + s("config.inline_warmup") + " RSA-2048 inline, " + s("config.warm_warmup_claims") + " claims)");
            provisionRow("empty", "RSA-3072, pool disabled (`guard.key-cache.enabled=false`)");
            provisionRow("ed25519", "Ed25519 (never pooled)");
            line("");
            line("p99 by nearest rank: with n ≤ 100 it is the largest or second-largest sample. \"server-side\" is");
            line("key-service's own `guard.keys.provisioning` timer (pool claim or generation, then certification: the user ID's");
            line("self-signature, plus the subkey binding for keys not from the pool (pooled keys bring theirs), and S2K");
            line("protection; no HTTP, token unlock or database); its max is Micrometer's (recent");
            line("window, warm-up included). `GET /api/keys` (identity check + one small query) was sent right before each");
            line("sample as the same user: the floor of any authenticated request at that moment.");
            if (has("prov.warm.claim_mean_ms")) {
                line("Of the warm run's server-side time, the pool claim (Infinispan remove, key-service's `guard.key.cache.claim`");
                line("timer) took %s on average.", ms(d("prov.warm.claim_mean_ms")));
            }
            line("");
            line("During the warm run the replica's generator (%s thread) yields to claims (`guard.key-cache.refill-quiet-period`)",
                    s("config.pool_generators"));
            line("while the pool holds more than a quarter of its size; below that it refills during the burst and RSA generation");
            line("competes with the requests for the %d cores. Keys generated during the warm run: %s.", n,
                    s("prov.warm.generated_in_background"));
            line("");
            if (has("local.certify.rsa3072.t1.p50_ms")) {
                line("In-process floor of the crypto part (measured later in the same run, %s phase, one thread): decoding a pooled",
                        "`local`");
                line("RSA-3072 key, certifying it and encoding it takes min %s, p50 %s, p99 %s; for Ed25519, generating + certifying",
                        ms(d("local.certify.rsa3072.t1.min_ms")), ms(d("local.certify.rsa3072.t1.p50_ms")),
                        ms(d("local.certify.rsa3072.t1.p99_ms")));
                line("+ encoding min %s, p50 %s. The rest of a warm provisioning is HTTP, the token unlock, the pool claim (Infinispan)",
                        ms(d("local.certify.ed25519.t1.min_ms")), ms(d("local.certify.ed25519.t1.p50_ms")));
                line("and the database (transaction + list query).");
                line("");
            }
            if (has("prov.warm.first_half.p50_ms")) {
                line("The warm run in halves (the pool empties as it goes: %s → %s keys; a claim removes first the slots its replica",
                        s("prov.warm.pool_before"), s("prov.warm.pool_after"));
                line("believes filled, so an emptier pool costs few extra Infinispan round trips): first %s samples",
                        s("prov.warm.first_half.n"));
                line("p50 %s, p90 %s, max %s; last %s samples p50 %s, p90 %s, max %s. Every sample, in order (ms): %s.",
                        ms(d("prov.warm.first_half.p50_ms")), ms(d("prov.warm.first_half.p90_ms")),
                        ms(d("prov.warm.first_half.max_ms")), s("prov.warm.second_half.n"), ms(d("prov.warm.second_half.p50_ms")),
                        ms(d("prov.warm.second_half.p90_ms")), ms(d("prov.warm.second_half.max_ms")), s("prov.warm.series_ms"));
                line("");
            }
            double warmP99 = d("prov.warm.p99_ms");
            boolean met = warmP99 <= 20;
            line("**Target: warm-pool RSA provisioning p99 ≤ 20 ms: %s** (p99 %s over %s samples; the pool disabled: p50 %s, p99 %s).",
                    met ? "met" : "missed", ms(warmP99), s("prov.warm.n"), ms(d("prov.empty.p50_ms")), ms(d("prov.empty.p99_ms")));
            if (d("prov.warm.claims_miss") > 0 || d("prov.warm.claims_unavailable") > 0) {
                line("");
                line("Warning: %s of the warm run's claims found no pooled key (miss %s, unavailable %s): those samples generated inline.",
                        (long) (d("prov.warm.claims_miss") + d("prov.warm.claims_unavailable")), s("prov.warm.claims_miss"),
                        s("prov.warm.claims_unavailable"));
            }
            line("");

            // --- unlock
            line("## Unlock: the password-hash cost");
            line("");
            line("Ours: `PasswordWrap.unwrap` (Argon2id %s, then AES-256-GCM of 32 bytes): what every password use costs.",
                    s("local.argon2.cost"));
            line("gpg: `gpg --batch --pinentry-mode loopback --passphrase … --decrypt` of a %s-byte message to a", s("gpg.protected.message_bytes"));
            line("passphrase-protected Cv25519 key, with gpg-agent's passphrase cache off (`default-cache-ttl 0`, `max-cache-ttl 0`),");
            line("so every run unprotects the key: gpg-agent's S2K (iterated+salted SHA-1, %s octets, the count the agent", s("gpg.agent.s2k_count"));
            line("calibrated on this machine) + CBC decryption of the key. \"net\" subtracts the same decryption with an unprotected key");
            line("(same process start, same agent round-trips, same ECDH), leaving the passphrase's cost.");
            line("");
            line("The in-process runs use a JVM with a pre-touched heap (`-Xms512m -Xmx512m -XX:+AlwaysPreTouch`): without it, a JVM");
            line("on this VM computes Argon2 at either ~20 or ~45 ms per hash for its whole life, at random; the services run");
            line("without it, so the HTTP row may show either mode.");
            line("");
            line("| what | 1 thread / process: ops/s | min | p50 | p99 | %d threads / processes: ops/s | p50 | other processes' CPU |", n);
            line("|---|---:|---:|---:|---:|---:|---:|---:|");
            row("ours, Argon2id unwrap in-process", "local.argon2.t1", "local.argon2.tN", "local");
            row("ours, `POST /api/keys/unlock` over HTTP (Argon2id + token into Infinispan)", "http.unlock.t1", "http.unlock.tN",
                    "unlock-http");
            gpgRow("gpg, decrypt with the protected key (raw)", "gpg.protected", null);
            gpgRow("gpg, passphrase cost (net of the unprotected decrypt)", "gpg.protected", "gpg.x25519");
            line("");
            line("Per password guess an attacker pays what one unlock costs: Argon2id's %s MiB per guess also makes it",
                    has("local.argon2.cost") ? String.format(Locale.ROOT, "%.0f", Integer.parseInt(s("local.argon2.cost").split(" ")[0]) / 1024.0) : "?");
            line("memory-hard; gpg's iterated SHA-1 is not (GPUs run it in parallel cheaply).");
            line("");

            // --- session keys
            line("## Session-key decryption");
            line("");
            line("The same two messages for everyone (%s and %s bytes) that gpg encrypted (PKESK v3 + SEIPD v1, AES-256) to",
                    s("gpg.x25519.message_bytes"), s("gpg.rsa3072.message_bytes"));
            line("a key made by key-service's own code (`KeyMaterial.generate` + `OpenPgpKeys.certify`): X25519 = the ed25519");
            line("profile's ECDH Cv25519 subkey (v4), RSA-3072 = the rsa3072 profile's subkey. Every side got the same session key");
            line("(checked: %s).", s("check.session_keys"));
            line("");
            line("- **in-process**: `SessionKeyDecryptor.decrypt(message, ring, passphrase)` with the ring parsed once and");
            line("  S2K-protected as key-service stores it (storage protection: SHA-256, 1024 octets), so every op includes");
            line("  unlocking the secret subkey; after %s s of warm-up, every op timed. \"+ parse\" adds `OpenPgpKeys.readSecret`", s("config.local_warmup"));
            line("  of the stored ring per op, as the endpoint does.");
            line("- **HTTP**: `POST /api/keys/internal/session-keys` with the unlock token (identity check, key lookup in");
            line("  MariaDB, token unlock via Infinispan, parse, decrypt), %s client thread(s).", "1 and " + s("http.sk.threads"));
            line("- **gpg**: `gpg --batch --show-session-key --decrypt` of the message, key unprotected in gpg-agent, one process");
            line("  per op. \"net\" subtracts a no-op timed the same way: `gpg --batch --list-only --decrypt` of the X25519 message");
            line("  (process start, reading the message and the keyrings, asking the agent which secret keys it has: all but the");
            line("  private-key operation and the symmetric decryption); `gpg --version` (process start alone) shown too.");
            line("  ops/s net = 1000 / (mean ms − no-op mean ms) per process; min and p50 net = difference of the mins / medians.");
            line("");
            line("| key | what | 1 thread / client / process: ops/s | min | p50 | p99 | N threads / clients / processes: ops/s | p50 | other processes' CPU |");
            line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            for (String alg : List.of("x25519", "rsa3072")) {
                String name = alg.equals("x25519") ? "X25519 (Cv25519)" : "RSA-3072";
                row(name + " | ours, in-process `decrypt` (N = " + s("local.threads") + ")", "local." + alg + ".t1",
                        "local." + alg + ".tN", "local");
                row(name + " | ours, in-process parse + `decrypt`", "local." + alg + ".parse.t1", null, "local");
                row(name + " | ours, HTTP endpoint (N = " + s("http.sk.threads") + ")", "http.sk." + alg + ".t1",
                        "http.sk." + alg + ".tN", "session-http");
                gpgRow(name + " | gpg, raw", "gpg." + alg, null);
                gpgRow(name + " | gpg, net of the no-op", "gpg." + alg, "gpg.noop");
            }
            gpgRow("– | gpg no-op: `--list-only --decrypt`", "gpg.noop", null);
            gpgRow("– | gpg no-op: `--version`", "gpg.version", null);
            line("");

            // --- machine
            line("## Machine and conditions");
            line("");
            line("- CPU: %s, nproc %s; memory %s", s("machine.cpu"), s("machine.nproc"), s("machine.memory"));
            line("- load average at the start: %s; at the end: %s", s("machine.load_start"), s("machine.load_end"));
            line("- kernel %s; %s", s("machine.kernel"), s("machine.os"));
            line("- JDK: %s (the benchmark's client and key-service: Java 21 build)", s("machine.jdk"));
            line("- %s, %s", s("machine.gpg"), s("machine.libgcrypt"));
            line("- the local stack (`guard up`, 1 replica: MariaDB, Infinispan, emulator, four services, idle apart from");
            line("  key-service) ran during the HTTP phases and was stopped before the in-process and gpg phases; the warm-pool");
            line("  run used a second key-service of the benchmark's (pool size %s, %s generator thread), stopped right after it.",
                    s("config.pool_size"), s("config.pool_generators"));
            line("- pool fill before the warm run: %s s for %s keys (%s).", s("pool.fill_seconds"), s("config.pool_size"),
                    "one RSA-3072 key = two 3072-bit key pairs");
            line("");
            line("\"other processes' CPU\": CPU time the machine spent on processes that were not the benchmark's during that");
            line("phase, in %% of one core (of %d × 100 %%); above ~10 %% the phase was disturbed and its figures are not", n);
            line("comparable with a quiet run. Per phase:");
            line("");
            line("| phase | seconds | other processes' CPU | load average after |");
            line("|---|---:|---:|---:|");
            for (String phase : s("phases").split(",")) {
                if (!phase.isBlank()) {
                    line("| %s | %s | %s | %s |", phase, s("phase." + phase + ".seconds"), foreign(phase), s("phase." + phase + ".load"));
                }
            }
            line("");
            line("Other java processes on the machine at the end (not the benchmark's): %s.", s("machine.other_java"));
            if (d("setup.unlock_503") > 0) {
                line("");
                line("During the setup key-service answered `POST /api/keys/unlock` %s time(s) with 503 `unlock-tokens-unavailable`",
                        s("setup.unlock_503"));
                line("(its unlock-token cache in Infinispan not reachable within the bound on first use); the benchmark retried.");
            }
        }

        private void provisionRow(String label, String name) {
            String p = "prov." + label;
            if (!has(p + ".n")) {
                return;
            }
            String claims = label.equals("warm") ? s(p + ".claims_hit") + " / " + s(p + ".claims_miss")
                    : label.equals("empty") ? "pool off" : "–";
            String pool = label.equals("warm") ? s(p + ".pool_before") + " → " + s(p + ".pool_after") + ", "
                    + s(p + ".generated_in_background") : "–";
            line("| %s | %s | %s | %s | %s | **%s** | %s | %s | %s / %s | %s / %s | %s | %s | %s |", name, s(p + ".n"),
                    ms(d(p + ".min_ms")), ms(d(p + ".p50_ms")), ms(d(p + ".p90_ms")), ms(d(p + ".p99_ms")), ms(d(p + ".max_ms")),
                    ms(d(p + ".mean_ms")), ms(d(p + ".server_mean_ms")), ms(d(p + ".server_max_ms")),
                    ms(d(p + ".list.p50_ms")), ms(d(p + ".list.p99_ms")), claims, pool, foreign("provision-" + label));
        }

        /** One row: ops/s, min, p50, p99 of the 1-thread run, ops/s and p50 of the N-thread run (if any). */
        private void row(String cells, String one, String many, String phase) {
            if (!has(one + ".ops_per_s")) {
                return;
            }
            line("| %s | %s | %s | %s | %s | %s | %s | %s |", cells, rate(d(one + ".ops_per_s")), ms(d(one + ".min_ms")),
                    ms(d(one + ".p50_ms")), ms(d(one + ".p99_ms")), many == null ? "–" : rate(d(many + ".ops_per_s")),
                    many == null ? "–" : ms(d(many + ".p50_ms")), foreign(phase));
        }

        /**
         * A gpg row: raw from the script's loops; with {@code minus}, "net": ops/s from the difference of the mean per-op
         * times (for N loops: N × 1000 / difference, both measured N at once), min and p50 as differences.
         */
        private void gpgRow(String cells, String p, String minus) {
            if (minus == null) {
                row(cells, p + ".t1", p + ".tN", "gpg");
                return;
            }
            if (!has(p + ".t1.ops_per_s")) {
                return;
            }
            double net1 = d(p + ".t1.mean_ms") - d(minus + ".t1.mean_ms");
            double netN = d(p + ".tN.mean_ms") - d(minus + ".tN.mean_ms");
            double loops = d(p + ".tN.loops");
            line("| %s | %s | %s | %s | – | %s | %s | %s |", cells, net1 > 0 ? rate(1000 / net1) : "below the noise",
                    netMs(d(p + ".t1.min_ms") - d(minus + ".t1.min_ms")), netMs(d(p + ".t1.p50_ms") - d(minus + ".t1.p50_ms")),
                    netN > 0 ? rate(loops * 1000 / netN) : "below the noise",
                    netMs(d(p + ".tN.p50_ms") - d(minus + ".tN.p50_ms")), foreign("gpg"));
        }

        private static String netMs(double v) {
            return v > 0 ? ms(v) : "≈ 0";
        }
    }

}
