package io.guardcluster.cli.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers. All local servers bind 127.0.0.1 only: nothing is exposed to the network. */
public final class Ports {

    /** The address every local server binds to and every client connects to. */
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /**
     * A TCP port that is free on 127.0.0.1 right now (chosen by the kernel). Another process could take
     * it before the server binds it; the launchers then fail with a clear "in use" message.
     */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on " + LOOPBACK, e);
        }
    }

    /** Whether 127.0.0.1:{@code port} can be bound now (SO_REUSEADDR, so TIME_WAIT does not count). */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean isListening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void requireFree(String what, int port) throws IOException {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Invalid port for " + what + ": " + port);
        }
        if (!isFree(port)) {
            throw new IOException("Cannot start " + what + ": port " + port + " on " + LOOPBACK
                    + " is already in use (another server, or a stack that is still running?)");
        }
    }
}
