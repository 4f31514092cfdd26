package io.guardcluster.cli.stack;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An Infinispan 16 server run as a plain JVM process from the classpath the {@code servers} module
 * resolved (the server distribution zip is not on Maven Central).
 *
 * <p>The generated configuration mirrors what production needs: authentication on every endpoint,
 * cache authorization, and a (one-node) cluster transport so that distributed and replicated caches can
 * be created. Hot Rod and REST share the one port (Infinispan's single-port router). See
 * {@link #configXml(int)} for the details and the reasons behind them.
 */
public final class InfinispanServer extends RunningServer {

    private static final System.Logger LOG = System.getLogger(InfinispanServer.class.getName());

    /** Name used in messages and for {@link ManagedProcess#attach(String, Path)}. */
    public static final String NAME = "infinispan";
    /** The generated user; it holds the {@code admin} role. */
    public static final String USER = "guard";
    /** The SASL mechanism clients should use (the server also offers SCRAM-SHA-256 and DIGEST-MD5). */
    public static final String SASL_MECHANISM = "SCRAM-SHA-512";

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String MAIN_CLASS = "org.infinispan.server.Bootstrap";

    private final int port;
    private final String password;

    private InfinispanServer(LocalProcess process, int port, String password) {
        super(NAME, process);
        this.port = port;
        this.password = password;
    }

    /** {@link #start(Path, int, Path, Lifetime)} tied to this JVM (for tests). */
    public static InfinispanServer start(Path dir, int port, Path serversDir) throws IOException {
        return start(dir, port, serversDir, Lifetime.THIS_JVM);
    }

    /**
     * Writes the server directory ({@code conf/} regenerated on every start, {@code data/} kept: caches
     * created at run time survive a restart), starts the server on 127.0.0.1:{@code port} and waits
     * (up to 60 s) until its health endpoint reports HEALTHY and the generated credentials are accepted.
     *
     * @param serversDir see {@link ServersDir#locate()}
     * @throws IOException if the servers module was not built (the message says how), the port is taken,
     *                     a server already runs on {@code dir}, or it fails to start (with the log's tail)
     */
    public static InfinispanServer start(Path dir, int port, Path serversDir, Lifetime lifetime) throws IOException {
        String classpath = classpath(serversDir);
        Path home = Launch.privateDir(dir.toAbsolutePath().normalize());
        Launch.requireNotRunning(NAME, home);
        Ports.requireFree("Infinispan", port);

        String password = Secrets.loadOrCreate(home, credentialGenerators()).get("password");
        Path conf = Launch.privateDir(home.resolve("conf"));
        Files.writeString(conf.resolve("infinispan.xml"), configXml(port), StandardCharsets.UTF_8);
        Files.writeString(conf.resolve("log4j2.xml"), LOG4J2_XML, StandardCharsets.UTF_8);
        // Plain text, like the server distribution's default realm; the file is 0600 in a 0700 directory.
        Secrets.writePrivate(conf.resolve("users.properties"), USER + "=" + password + "\n");
        Files.writeString(conf.resolve("groups.properties"), USER + "=admin\n", StandardCharsets.UTF_8);
        // Bootstrap builds its class loader from <server root>/lib and leaves the context class loader
        // null if that directory does not exist, which then fails with a NullPointerException.
        Launch.privateDir(home.resolve("lib"));
        Launch.privateDir(home.resolve("data"));

        List<String> command = List.of(
                Launch.javaBinary().toString(),
                "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED", // Netty's epoll transport; silences a JDK warning
                "-Dinfinispan.server.home.path=" + home,
                MAIN_CLASS,
                "-s", home.toString(),
                "-c", "infinispan.xml",
                "-b", Ports.LOOPBACK,
                "-p", Integer.toString(port));
        Path log = home.resolve("server.log");
        long t0 = System.nanoTime();
        // The classpath (~200 jars) goes through the environment, not argv: keeps ps output readable.
        LocalProcess process = Launch.spawn(NAME, command, home, log, Map.of("CLASSPATH", classpath), lifetime);

        String authorization = basic(USER, password);
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            URI health = URI.create(restUrl(port) + "/rest/v2/container/health/status");
            Launch.awaitReady(process, "Infinispan on port " + port, START_TIMEOUT, () -> {
                HttpResponse<String> r = http.send(get(health, authorization), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().trim().equals("HEALTHY");
            }, "Exception in thread \"main\"", log);
            // The health status is readable without credentials; make sure ours work before handing out.
            int status = http.send(get(URI.create(restUrl(port) + "/rest/v2/server"), authorization),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                throw new IOException("Infinispan on port " + port + " is up but answered HTTP " + status
                        + " to the generated user " + USER + " (see " + conf.resolve("users.properties") + ")");
            }
        } catch (IOException | RuntimeException e) {
            process.stop();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.stop();
            throw new IOException("Interrupted while starting Infinispan", e);
        }
        LOG.log(System.Logger.Level.INFO, "Infinispan started on {0}:{1,number,#} (pid {2,number,#}) in {3,number,#} ms",
                Ports.LOOPBACK, port, process.pid(), (System.nanoTime() - t0) / 1_000_000);
        return new InfinispanServer(process, port, password);
    }

    private static Map<String, Supplier<String>> credentialGenerators() {
        Map<String, Supplier<String>> g = new LinkedHashMap<>();
        g.put("user", () -> USER);
        g.put("password", () -> Secrets.password(24));
        return g;
    }

    private static String classpath(Path serversDir) throws IOException {
        Path file = ServersDir.require(serversDir, ServersDir.INFINISPAN_CLASSPATH);
        String classpath = Files.readString(file, StandardCharsets.UTF_8).trim();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !Files.exists(Path.of(entry))) {
                throw new IOException("The Infinispan server classpath in " + file + " names a missing file (" + entry
                        + "; was the Maven repository cleaned?). " + ServersDir.BUILD_HINT);
            }
        }
        return classpath;
    }

    private static HttpRequest get(URI uri, String authorization) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).header("Authorization", authorization)
                .GET().build();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String restUrl(int port) {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    /**
     * The server configuration. Choices, each for a reason:
     * <ul>
     *   <li>{@code <transport>} with a private JGroups stack: without a transport Infinispan refuses
     *       distributed/replicated caches ("ISPN000343: Must have a transport set"), so code written for
     *       the production cluster would fail locally. The stack never leaves loopback: TCP on an
     *       ephemeral 127.0.0.1 port, in-JVM discovery (LOCAL_PING) instead of multicast, and no
     *       FD_SOCK2 (it would need another port; a one-node cluster has nobody to watch).</li>
     *   <li>{@code <authorization/>}: cache-level permissions as in production; the generated user is in
     *       group {@code admin}, which the default role mapper maps to the admin role.</li>
     *   <li>Hot Rod SASL: SCRAM-SHA-512 (recommended), SCRAM-SHA-256, DIGEST-MD5. PLAIN is not offered
     *       without TLS.</li>
     *   <li>REST: DIGEST (the server default) plus BASIC, so that plain clients (the JDK's HttpClient,
     *       curl -u) can authenticate; the port is loopback-only.</li>
     * </ul>
     */
    static String configXml(int port) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Generated by guard (io.guardcluster.cli.stack.InfinispanServer); rewritten on every start. -->
                <infinispan xmlns="urn:infinispan:config:16.0">
                   <jgroups>
                      <stack name="guard-loopback" extends="tcp">
                         <TCP bind_addr="127.0.0.1" bind_port="0" port_range="0" diag.enabled="false"/>
                         <LOCAL_PING stack.combine="REPLACE" stack.position="MPING"/>
                         <FD_SOCK2 stack.combine="REMOVE"/>
                         <pbcast.GMS join_timeout="100ms" print_local_addr="false"/>
                      </stack>
                   </jgroups>
                   <cache-container name="default" statistics="false">
                      <transport cluster="guard-local" stack="guard-loopback" node-name="guard-local"/>
                      <security>
                         <authorization/>
                      </security>
                   </cache-container>
                   <server xmlns="urn:infinispan:server:16.0">
                      <interfaces>
                         <interface name="loopback">
                            <inet-address value="127.0.0.1"/>
                         </interface>
                      </interfaces>
                      <socket-bindings default-interface="loopback" port-offset="0">
                         <socket-binding name="default" port="%d"/>
                      </socket-bindings>
                      <security>
                         <security-realms>
                            <security-realm name="default">
                               <properties-realm groups-attribute="Roles">
                                  <user-properties path="users.properties" relative-to="infinispan.server.config.path" plain-text="true"/>
                                  <group-properties path="groups.properties" relative-to="infinispan.server.config.path"/>
                               </properties-realm>
                            </security-realm>
                         </security-realms>
                      </security>
                      <endpoints>
                         <endpoint socket-binding="default" security-realm="default">
                            <hotrod-connector name="hotrod">
                               <authentication>
                                  <sasl mechanisms="SCRAM-SHA-512 SCRAM-SHA-256 DIGEST-MD5" server-name="infinispan" qop="auth"/>
                               </authentication>
                            </hotrod-connector>
                            <rest-connector name="rest">
                               <authentication mechanisms="DIGEST BASIC"/>
                            </rest-connector>
                         </endpoint>
                      </endpoints>
                   </server>
                </infinispan>
                """.formatted(port);
    }

    /** Everything to stdout, which the launcher sends to {@code server.log}; no rolling files. */
    private static final String LOG4J2_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration name="GuardInfinispan">
              <Appenders>
                <Console name="STDOUT">
                  <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p (%t) [%c{1}] %m%throwable%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Root level="INFO">
                  <AppenderRef ref="STDOUT"/>
                </Root>
                <Logger name="com.arjuna" level="WARN"/>
              </Loggers>
            </Configuration>
            """;

    /** Always {@value Ports#LOOPBACK}. */
    public String host() {
        return Ports.LOOPBACK;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, for {@code quarkus.infinispan-client.hosts}. */
    public String hosts() {
        return host() + ":" + port;
    }

    /** {@code http://127.0.0.1:PORT}, the base of the REST API ({@code /rest/v2/...}). */
    public String restUrl() {
        return restUrl(port);
    }

    /** The generated user, {@value #USER}. */
    public String username() {
        return USER;
    }

    /** The generated user's password (secret: do not log it). */
    public String password() {
        return password;
    }

    @Override
    public String toString() {
        return "Infinispan " + hosts() + " (pid " + pid() + ")";
    }
}
