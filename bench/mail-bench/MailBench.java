import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.guardcluster.common.identity.InternalIdentity;
import io.guardcluster.common.identity.InternalIdentityCodec;
import io.guardcluster.common.identity.RequestBinding;
import io.guardcluster.common.masterkey.MasterKeyFile;

/**
 * The Java half of {@code bench/mail-bench.sh}: reads one mail again and again with {@code GET /api/mail/message}
 * (decrypt + verify) and times each read, from sending the request to the last byte of the answer. Compiled by the
 * script against mail-service's packaged class path; not part of the Maven build.
 *
 * <p>Two paths, sampled alternately (gateway first on even samples, direct first on odd ones) so that whatever else
 * the machine does at a moment lands on both alike:
 * <ul>
 * <li><b>gateway</b>: as alice's browser does, with her groupware {@code session} parameter, cookies and User-Agent
 * (the gateway validates the session, signs an internal identity and proxies to mail-service);</li>
 * <li><b>direct</b> (with {@code --direct}): straight to mail-service with a fresh internal identity per request,
 * signed with the stack's {@code oxguardpass} as the gateway does, and the same session, cookies and User-Agent
 * (mail-service hands them on to the groupware).</li>
 * </ul>
 * One HTTP/1.1 client per path, its connection kept alive (as a browser's). Every answer is checked before the next
 * request: 200, encrypted PGP/MIME, exactly one signature, {@code valid}, by the expected key, and the text of the
 * expected length; anything else stops the run with the answer's status and (for a failure) its body.
 *
 * <pre>
 * read --gateway URL [--direct URL --master FILE] --session S --cookies C --ua UA --token T --folder F --id ID
 *      --text-length L --signer FPR --warmup N --samples N --label L --dir D --out PROPS [--sync D]
 * </pre>
 * Writes each path's samples (milliseconds, in measured order) to {@code D/L.<path>.ms} and a few facts (answer
 * size, checks) as {@code key=value} lines to {@code PROPS}.
 */
public final class MailBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONTEXT = 1;
    private static final int ALICE = 3;
    private static final String ALICE_EMAIL = "alice@example.com";

    private final Map<String, String> options;

    private MailBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !"read".equals(args[0])) {
            System.err.println("usage: MailBench read --gateway URL [--direct URL --master FILE] ... (see the source)");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("not an option: " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        new MailBench(options).read();
    }

    private String opt(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private int intOpt(String name) {
        return Integer.parseInt(opt(name));
    }

    /** One way to mail-service: its base URL and how a request gets its identity. */
    private final class Target {
        final String name;
        final URI base;
        final String authority;
        final InternalIdentityCodec codec; // null: through the gateway, which signs
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final List<Double> millis = new ArrayList<>();
        long bytes;

        Target(String name, String url, InternalIdentityCodec codec) {
            this.name = name;
            this.base = URI.create(url);
            this.authority = base.getHost() + ":" + base.getPort();
            this.codec = codec;
        }

        /** One read, timed; checked after the clock stopped. Returns the milliseconds. */
        double read(String pathAndQuery) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(120))
                    .header("Cookie", opt("cookies")).header("User-Agent", opt("ua"))
                    .header("X-Guard-Unlock-Token", opt("token")).header("Accept", "application/json").GET();
            if (codec != null) {
                InternalIdentity identity = new InternalIdentity(CONTEXT, ALICE, ALICE_EMAIL, Instant.now().plusSeconds(30));
                b.header(InternalIdentityCodec.HEADER, codec.sign(identity, new RequestBinding("GET", authority, pathAndQuery)));
            }
            HttpRequest request = b.build();
            long t0 = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long t1 = System.nanoTime();
            check(response);
            bytes = response.body().length;
            return (t1 - t0) / 1e6;
        }

        private void check(HttpResponse<byte[]> response) throws IOException {
            byte[] body = response.body();
            if (response.statusCode() != 200) {
                throw new IllegalStateException(name + ": GET /api/mail/message answered " + response.statusCode() + ": "
                        + new String(body, 0, Math.min(body.length, 800), StandardCharsets.UTF_8));
            }
            JsonNode mail = JSON.readTree(body);
            JsonNode security = mail.path("security");
            JsonNode signatures = security.path("signatures");
            String problem = null;
            if (!security.path("encrypted").asBoolean() || !"pgp-mime".equals(security.path("format").asText())) {
                problem = "not read as encrypted PGP/MIME: " + security;
            } else if (signatures.size() != 1 || !"valid".equals(signatures.get(0).path("status").asText())) {
                problem = "signatures are not one valid one: " + signatures;
            } else if (!opt("signer").equalsIgnoreCase(signatures.get(0).path("fingerprint").asText())) {
                problem = "signed by " + signatures.get(0).path("fingerprint").asText() + ", not " + opt("signer");
            } else if (mail.path("text").asText().length() != intOpt("text-length")) {
                problem = "text of " + mail.path("text").asText().length() + " characters, not " + opt("text-length");
            }
            if (problem != null) {
                throw new IllegalStateException(name + ": " + problem);
            }
        }
    }

    private void read() throws Exception {
        String label = opt("label");
        String path = "/api/mail/message?folder=" + URLEncoder.encode(opt("folder"), StandardCharsets.UTF_8) + "&id="
                + URLEncoder.encode(opt("id"), StandardCharsets.UTF_8) + "&session="
                + URLEncoder.encode(opt("session"), StandardCharsets.UTF_8);
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("gateway", opt("gateway"), null));
        if (options.containsKey("direct")) {
            targets.add(new Target("direct", opt("direct"),
                    new InternalIdentityCodec(MasterKeyFile.read(Path.of(opt("master"))), Clock.systemUTC())));
        }
        int warmup = intOpt("warmup");
        int samples = intOpt("samples");
        long start = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            for (Target t : order(targets, i)) {
                t.read(path);
            }
        }
        System.err.printf(Locale.ROOT, "[MailBench %s] %d warm-up reads per path in %.1f s%n", label, warmup,
                (System.nanoTime() - start) / 1e9);
        handOver("warm", "go");
        start = System.nanoTime();
        for (int i = 0; i < samples; i++) {
            for (Target t : order(targets, i)) {
                t.millis.add(t.read(path));
            }
        }
        System.err.printf(Locale.ROOT, "[MailBench %s] %d measured reads per path in %.1f s%n", label, samples,
                (System.nanoTime() - start) / 1e9);
        Path dir = Path.of(opt("dir"));
        try (Writer out = Files.newBufferedWriter(Path.of(opt("out")), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            for (Target t : targets) {
                StringBuilder lines = new StringBuilder();
                t.millis.forEach(ms -> lines.append(String.format(Locale.ROOT, "%.3f%n", ms)));
                Files.writeString(dir.resolve(label + "." + t.name + ".ms"), lines);
                out.write(label + "." + t.name + ".answer_bytes=" + t.bytes + "\n");
                out.write(label + "." + t.name + ".checked=" + (warmup + samples) + " answers: 200, encrypted pgp-mime, one "
                        + "valid signature by the sender's key, text of " + opt("text-length") + " characters\n");
            }
        }
        handOver("done", "exit");
    }

    /**
     * With {@code --sync D}: says {@code D/<mine>} and waits for the script's {@code D/<theirs>}, so that the script
     * can wait for a quiet machine after the warm-up and account the CPU of exactly the measured reads (this JVM's
     * included: it stays alive until the script has read its CPU time). Without it, goes straight on.
     */
    private void handOver(String mine, String theirs) throws IOException, InterruptedException {
        if (!options.containsKey("sync")) {
            return;
        }
        Path dir = Path.of(opt("sync"));
        Files.writeString(dir.resolve(mine), "");
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!Files.exists(dir.resolve(theirs))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + theirs + " from the script within 10 minutes");
            }
            Thread.sleep(20);
        }
    }

    /** Gateway first on even samples, direct first on odd ones. */
    private static List<Target> order(List<Target> targets, int i) {
        return i % 2 == 0 ? targets : targets.reversed();
    }
}
