package io.guardcluster.emulator.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.guardcluster.emulator.ajax.ClientRequest;
import io.guardcluster.emulator.config.EmulatorConfig;

/**
 * The middleware nodes this process emulates ({@code guard.emulator.nodes}) and how the front picks one per request:
 * as a load balancer with sticky sessions does in front of an OX cluster, by the route suffix of the
 * {@code JSESSIONID} cookie ({@code <digits>.<route>}, {@code documentation/login_and_sessions/05_cookies.md}:
 * "Identifies the target node in an application cluster"), round robin when there is no cookie or its route names no
 * node.
 *
 * <p>EMULATOR-ONLY: a request that names a node in {@value #NODE_HEADER} goes straight to that node, like a call that
 * addresses one middleware node past the balancer. The front writes the chosen node into the same header of the
 * request (for the resources) and of the response (so a test sees who answered).
 */
@ApplicationScoped
public class ClusterNodes {

    /** Request and response header naming the node that serves a request. */
    public static final String NODE_HEADER = "X-Emulator-Node";
    private static final String JSESSIONID = "JSESSIONID";

    private final List<String> nodes;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, AtomicLong> requests = new LinkedHashMap<>();

    @Inject
    public ClusterNodes(EmulatorConfig config) {
        this(config.nodes());
    }

    public ClusterNodes(List<String> nodes) {
        List<String> cleaned = nodes.stream().map(String::trim).filter(n -> !n.isEmpty()).distinct().toList();
        if (cleaned.isEmpty()) {
            throw new IllegalArgumentException("guard.emulator.nodes names no node");
        }
        for (String node : cleaned) {
            if (!node.matches("[A-Za-z0-9_-]+")) {
                // The route travels in a cookie value after a '.', so it must be a plain token.
                throw new IllegalArgumentException("guard.emulator.nodes: '" + node + "' is not a plain route token");
            }
            requests.put(node, new AtomicLong());
        }
        this.nodes = cleaned;
    }

    public List<String> all() {
        return nodes;
    }

    /**
     * The node for a request: the one named by {@value #NODE_HEADER} (direct access), else the route of its
     * {@code JSESSIONID}, else the next one round robin. Counted per node.
     */
    public String choose(String directHeader, List<String> cookieHeaders) {
        String node = known(directHeader);
        if (node == null) {
            node = known(route(jsessionId(cookieHeaders)));
        }
        if (node == null) {
            node = nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
        }
        requests.get(node).incrementAndGet();
        return node;
    }

    /** The node the front chose for {@code request}; the first node for a request that did not pass the front. */
    public String serving(ClientRequest request) {
        String node = known(request.header(NODE_HEADER));
        return node == null ? nodes.get(0) : node;
    }

    /** Requests each node served so far. */
    public Map<String, Long> requestCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        requests.forEach((node, count) -> counts.put(node, count.get()));
        return counts;
    }

    private String known(String node) {
        return node != null && requests.containsKey(node) ? node : null;
    }

    /** The route of a {@code JSESSIONID} value: what follows its last dot. */
    static String route(String jsessionId) {
        if (jsessionId == null) {
            return null;
        }
        int dot = jsessionId.lastIndexOf('.');
        return dot < 0 ? null : jsessionId.substring(dot + 1);
    }

    /** The first {@code JSESSIONID} in the Cookie headers (a browser sends the most specific path first). */
    static String jsessionId(List<String> cookieHeaders) {
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(JSESSIONID)) {
                    return pair.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }
}
