package com.emogg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Free loopback ports only: the machine is shared with a developer's local run (8080, 15432, 19092)
 * and a benchmark, so a fixed port would collide sooner or later.
 */
public final class Ports {

    private Ports() {
    }

    public static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until something accepts connections on the port; fails early when {@code alive} turns false. */
    public static void awaitListening(int port, Duration timeout, String what, BooleanSupplier alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (listening(port)) {
                return;
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(what + " exited before listening on port " + port);
            }
            Sleep.millis(100);
        }
        throw new IllegalStateException(what + " did not listen on port " + port + " within " + timeout.toSeconds() + " s");
    }
}
