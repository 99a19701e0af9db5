package com.emogg.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port choice for the local servers: a fixed port must be free, port 0 means any free port. */
final class LocalPorts {

    private LocalPorts() {
    }

    static int claim(int wanted, String what, String setting) {
        try (ServerSocket socket = new ServerSocket()) {
            // as the servers themselves do: a port whose last connections are in TIME_WAIT is free
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted));
            return socket.getLocalPort();
        } catch (IOException e) {
            if (wanted == 0) {
                throw new UncheckedIOException("no free port for the local " + what, e);
            }
            throw new IllegalStateException("Port " + wanted + " for the local " + what + " is in use (is another "
                    + "local run still up?). Stop it, or choose another port with " + setting + ".", e);
        }
    }
}
