package com.emogg.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.emogg.platform.net.StreamAddresses;

/**
 * Asks an RTSP server about a stream: {@code OPTIONS}, then {@code DESCRIBE}, whose SDP answer says
 * the stream exists (and, when it tells, its frame size). Basic credentials from the URI are sent;
 * nothing else of the URI leaves the worker in a reason.
 */
final class RtspProbe {

    static final int DEFAULT_PORT = 554;
    private static final int MAX_HEIGHT = 1080;
    private static final Pattern FRAME_SIZE = Pattern.compile("a=(?:framesize:\\d+ (\\d+)-(\\d+)|x-dimensions:(\\d+),(\\d+))");

    private RtspProbe() {
    }

    static ProbeResult probe(URI uri, Duration timeout, StreamAddresses permitted) {
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT;
        String target = withoutCredentials(uri);
        try (Socket socket = new Socket()) {
            socket.connect(HostResolver.resolve(host, port, timeout, permitted), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String authorization = uri.getRawUserInfo() == null ? ""
                    : "Authorization: Basic " + Base64.getEncoder().encodeToString(
                            decode(uri.getRawUserInfo()).getBytes(StandardCharsets.UTF_8)) + "\r\n";

            Response options = exchange(out, in, "OPTIONS " + target + " RTSP/1.0\r\nCSeq: 1\r\n" + authorization);
            if (options.status != 200 && options.status != 401) {
                return ProbeResult.failed("RTSP server refused OPTIONS: " + options.statusLine());
            }
            Response describe = exchange(out, in, "DESCRIBE " + target + " RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n"
                    + authorization);
            if (describe.status == 401) {
                return ProbeResult.failed("stream refused: the RTSP server wants other credentials (401)");
            }
            if (describe.status == 404) {
                return ProbeResult.failed("stream not found on the RTSP server (404)");
            }
            if (describe.status != 200) {
                return ProbeResult.failed("stream refused: " + describe.statusLine());
            }
            Matcher size = FRAME_SIZE.matcher(describe.body);
            if (size.find()) {
                int height = Integer.parseInt(size.group(2) != null ? size.group(2) : size.group(4));
                if (height > MAX_HEIGHT) {
                    return ProbeResult.failed("stream is over 1080p (" + height + " lines)");
                }
            }
            return ProbeResult.ok(describe.body);
        } catch (HostResolver.RefusedAddress e) {
            return ProbeResult.failed(HostResolver.RefusedAddress.REASON);
        } catch (SocketTimeoutException e) {
            return ProbeResult.failed("stream unreachable: no answer from " + host + ":" + port + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return ProbeResult.failed("stream unreachable: " + host + ":" + port + ": " + e.getMessage());
        }
    }

    private record Response(int status, String reason, String body) {
        String statusLine() {
            return status + " " + reason;
        }
    }

    private static Response exchange(OutputStream out, BufferedReader in, String request) throws IOException {
        out.write((request + "User-Agent: emogg-worker\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String statusLine = in.readLine();
        if (statusLine == null || !statusLine.startsWith("RTSP/1.0 ")) {
            throw new IOException("not an RTSP server");
        }
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("malformed RTSP status line");
        }
        int length = 0;
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(15).trim());
            }
        }
        if (length > 64 * 1024) {
            throw new IOException("RTSP answer too large");
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            int n = in.read(body, read, length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return new Response(status, parts.length > 2 ? parts[2] : "", new String(body, 0, read));
    }

    private static String withoutCredentials(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null).toASCIIString();
        } catch (java.net.URISyntaxException e) {
            return "rtsp://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/";
        }
    }

    private static String decode(String userInfo) {
        return java.net.URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
