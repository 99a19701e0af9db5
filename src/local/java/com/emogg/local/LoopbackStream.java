package com.emogg.local;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small stream server on loopback that answers the way a camera does to the worker's probe:
 * RTSP {@code OPTIONS}/{@code DESCRIBE} with an SDP for {@code /live} (404 elsewhere, 401 for
 * {@code /private} without the right Basic credentials), and the RTMP handshake. It serves the
 * local run's demo stream, so a newcomer sees {@code working} without a camera, and the tests.
 * It sends no media.
 */
public final class LoopbackStream implements AutoCloseable {

    /** Basic credentials {@code /private} accepts: {@code viewer:secret}. */
    public static final String PRIVATE_CREDENTIALS = "dmlld2VyOnNlY3JldA==";
    private static final String SDP = """
            v=0\r
            o=- 0 0 IN IP4 127.0.0.1\r
            s=Emogg loopback test stream\r
            t=0 0\r
            m=video 0 RTP/AVP 96\r
            a=rtpmap:96 H264/90000\r
            a=framesize:96 1280-720\r
            """;

    private final ServerSocket rtsp;
    private final ServerSocket rtmp;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean open = true;

    private LoopbackStream(InetAddress loopback, int rtspPort, int rtmpPort) throws IOException {
        rtsp = new ServerSocket();
        rtsp.setReuseAddress(true);
        rtsp.bind(new InetSocketAddress(loopback, rtspPort));
        rtmp = new ServerSocket();
        rtmp.setReuseAddress(true);
        rtmp.bind(new InetSocketAddress(loopback, rtmpPort));
        accept(rtsp, this::rtsp, "rtsp");
        accept(rtmp, this::rtmp, "rtmp");
    }

    /** Starts on the given ports; 0 picks free ones. */
    public static LoopbackStream start(int rtspPort, int rtmpPort) {
        return start(InetAddress.getLoopbackAddress(), rtspPort, rtmpPort);
    }

    /** Starts on another local address (the crash matrix's, whose workers run in network namespaces of their own). */
    public static LoopbackStream start(InetAddress address, int rtspPort, int rtmpPort) {
        try {
            return new LoopbackStream(address, rtspPort, rtmpPort);
        } catch (IOException e) {
            throw new UncheckedIOException("the loopback stream could not listen", e);
        }
    }

    /** The URI of the stream that exists. */
    public String rtspUri() {
        return "rtsp://" + rtsp.getInetAddress().getHostAddress() + ":" + rtsp.getLocalPort() + "/live";
    }

    public String rtmpUri() {
        return "rtmp://" + rtmp.getInetAddress().getHostAddress() + ":" + rtmp.getLocalPort() + "/live/key";
    }

    public int rtspPort() {
        return rtsp.getLocalPort();
    }

    /** Connections served so far, both protocols. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        open = false;
        try {
            rtsp.close();
            rtmp.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private interface Handler {
        void serve(Socket socket) throws IOException;
    }

    private void accept(ServerSocket server, Handler handler, String name) {
        Thread acceptor = new Thread(() -> {
            while (open) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    Thread connection = new Thread(() -> {
                        try (socket) {
                            socket.setSoTimeout(10_000);
                            handler.serve(socket);
                        } catch (IOException e) {
                            // the client went away
                        }
                    }, "loopback-" + name + "-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "loopback-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void rtsp(Socket socket) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        for (String requestLine = in.readLine(); requestLine != null; requestLine = in.readLine()) {
            String cseq = "0";
            String authorization = null;
            for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("cseq:")) {
                    cseq = header.substring(5).trim();
                } else if (lower.startsWith("authorization:")) {
                    authorization = header.substring(14).trim();
                }
            }
            String[] parts = requestLine.split(" ");
            String method = parts[0];
            String path = parts.length > 1 ? java.net.URI.create(parts[1]).getPath() : "";
            String response;
            if (path.equals("/private") && !("Basic " + PRIVATE_CREDENTIALS).equals(authorization)) {
                response = "RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Basic realm=\"loopback\"\r\n\r\n";
            } else if (method.equals("OPTIONS")) {
                response = "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n";
            } else if (method.equals("DESCRIBE") && (path.equals("/live") || path.equals("/private"))) {
                byte[] body = SDP.getBytes(StandardCharsets.UTF_8);
                response = "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nContent-Type: application/sdp\r\nContent-Length: " + body.length
                        + "\r\n\r\n" + SDP;
            } else if (method.equals("DESCRIBE")) {
                response = "RTSP/1.0 404 Not Found\r\nCSeq: " + cseq + "\r\n\r\n";
            } else {
                response = "RTSP/1.0 405 Method Not Allowed\r\nCSeq: " + cseq + "\r\n\r\n";
            }
            out.write(response.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private void rtmp(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        int version = in.read();
        byte[] c1 = new byte[1536];
        in.readFully(c1);
        if (version != 3) {
            return;
        }
        byte[] s1 = new byte[1536];
        new java.util.Random().nextBytes(s1);
        out.write(3);
        out.write(s1);
        out.write(c1); // S2 echoes C1
        out.flush();
        in.readFully(new byte[1536]); // C2
    }
}
