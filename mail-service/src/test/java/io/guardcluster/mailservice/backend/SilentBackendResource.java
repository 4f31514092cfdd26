package io.guardcluster.mailservice.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.guardcluster.cli.stack.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A groupware backend that is down in the two ways that matter: its HTTP API accepts connections and never answers
 * (a hung node), its REST API refuses connections (nothing listens). The number of connections the silent one
 * accepted is injected into the test's {@link AtomicInteger} field: one per attempt, so a test sees the retries.
 */
public class SilentBackendResource implements QuarkusTestResourceLifecycleManager {

    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "silent-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        return Map.of(
                "guard.backend.url", "http://127.0.0.1:" + server.getLocalPort() + "/appsuite/api",
                "guard.backend.rest.url", "http://127.0.0.1:" + Ports.freePort(),
                "guard.backend.request-timeout", "1s",
                "guard.backend.connect-timeout", "1s");
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                Thread reader = new Thread(() -> drain(socket), "silent-backend-conn");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Reads whatever comes and never writes a byte. */
    private static void drain(Socket socket) {
        try (InputStream in = socket.getInputStream()) {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // swallow
            }
        } catch (IOException e) {
            // the client gave up
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(connections, new TestInjector.MatchesType(AtomicInteger.class));
    }

    @Override
    public void stop() {
        try {
            server.close();
            for (Socket socket : open) {
                socket.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }
}
