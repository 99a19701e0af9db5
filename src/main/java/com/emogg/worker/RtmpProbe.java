package com.emogg.worker;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

import javax.net.ssl.SSLSocketFactory;

import com.emogg.platform.net.StreamAddresses;

/**
 * Checks that an RTMP (or RTMPS) server is there by completing the RTMP handshake: C0/C1 out,
 * S0/S1/S2 back, C2 out. That is as far as a probe can go without playing the stream.
 */
final class RtmpProbe {

    static final int RTMP_PORT = 1935;
    static final int RTMPS_PORT = 443;
    private static final int VERSION = 3;
    private static final int CHUNK = 1536;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RtmpProbe() {
    }

    static ProbeResult probe(URI uri, Duration timeout, StreamAddresses permitted) {
        boolean tls = "rtmps".equals(uri.getScheme().toLowerCase(Locale.ROOT));
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? RTMPS_PORT : RTMP_PORT;
        try (Socket plain = new Socket()) {
            plain.connect(HostResolver.resolve(host, port, timeout, permitted), (int) timeout.toMillis());
            plain.setSoTimeout((int) timeout.toMillis());
            try (Socket socket = tls ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port, true) : plain) {
                OutputStream out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] c1 = new byte[CHUNK];
                RANDOM.nextBytes(c1);
                java.util.Arrays.fill(c1, 0, 8, (byte) 0); // time and zero fields
                out.write(VERSION);
                out.write(c1);
                out.flush();
                int s0 = in.read();
                if (s0 != VERSION) {
                    return ProbeResult.failed("not an RTMP server at " + host + ":" + port + " (version byte " + s0 + ")");
                }
                byte[] s1 = new byte[CHUNK];
                byte[] s2 = new byte[CHUNK];
                in.readFully(s1);
                in.readFully(s2);
                out.write(s1); // C2 echoes S1
                out.flush();
                return ProbeResult.ok("rtmp handshake completed with " + host + ":" + port + ", server epoch "
                        + HexFormat.of().formatHex(s1, 0, 4) + "\n");
            }
        } catch (HostResolver.RefusedAddress e) {
            return ProbeResult.failed(HostResolver.RefusedAddress.REASON);
        } catch (SocketTimeoutException e) {
            return ProbeResult.failed("stream unreachable: no RTMP answer from " + host + ":" + port + " within " + timeout.toMillis() + " ms");
        } catch (EOFException e) {
            return ProbeResult.failed("stream refused: " + host + ":" + port + " closed the RTMP handshake");
        } catch (IOException e) {
            return ProbeResult.failed("stream unreachable: " + host + ":" + port + ": " + e.getMessage());
        }
    }
}
