package com.emogg.session.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.emogg.local.LoopbackStream;

/** The probes against a real RTSP/RTMP responder on loopback. */
class StreamProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static LoopbackStream stream;

    @BeforeAll
    static void startStream() {
        stream = LoopbackStream.start(0, 0);
    }

    @AfterAll
    static void stopStream() {
        stream.close();
    }

    @Test
    void anRtspStreamThatExistsAnswersDescribeWithItsSdp() {
        ProbeResult result = RtspProbe.probe(URI.create(stream.rtspUri()), TIMEOUT);
        assertTrue(result.reachable(), result.reason());
        assertTrue(result.description().contains("m=video"));
    }

    @Test
    void rtspCredentialsFromTheUriAreSentAndWrongOnesRefused() {
        String base = "127.0.0.1:" + stream.rtspPort() + "/private";
        assertTrue(RtspProbe.probe(URI.create("rtsp://viewer:secret@" + base), TIMEOUT).reachable());
        ProbeResult refused = RtspProbe.probe(URI.create("rtsp://viewer:wrong-Pa55@" + base), TIMEOUT);
        assertFalse(refused.reachable());
        assertTrue(refused.reason().contains("401"), refused.reason());
        assertFalse(refused.reason().contains("wrong-Pa55"), "reasons never carry credentials");
    }

    @Test
    void aMissingRtspStreamIsNotFound() {
        ProbeResult result = RtspProbe.probe(URI.create("rtsp://127.0.0.1:" + stream.rtspPort() + "/nothing"), TIMEOUT);
        assertFalse(result.reachable());
        assertTrue(result.reason().contains("404"), result.reason());
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ProbeResult rtsp = RtspProbe.probe(URI.create("rtsp://127.0.0.1:" + closed + "/live"), TIMEOUT);
        assertFalse(rtsp.reachable());
        assertTrue(rtsp.reason().startsWith("stream unreachable"), rtsp.reason());
        assertFalse(RtmpProbe.probe(URI.create("rtmp://127.0.0.1:" + closed + "/live"), TIMEOUT).reachable());
    }

    @Test
    void aServerThatDoesNotSpeakRtspIsNoStream() {
        // the RTMP port reads bytes and never answers RTSP
        ProbeResult result = RtspProbe.probe(URI.create("rtsp://127.0.0.1:" + URI.create(stream.rtmpUri()).getPort() + "/live"),
                Duration.ofMillis(500));
        assertFalse(result.reachable());
    }

    @Test
    void theRtmpHandshakeCompletes() {
        ProbeResult result = RtmpProbe.probe(URI.create(stream.rtmpUri()), TIMEOUT);
        assertTrue(result.reachable(), result.reason());
    }

    @Test
    void mediaFoldersStayInsideTheirRoot() {
        MediaFolders folders = new MediaFolders(java.nio.file.Path.of("target/media-test"));
        assertEquals("0123456789abcdef01234567", folders.of("0123456789abcdef01234567").getFileName().toString());
        for (String bad : new String[] {"../etc", "0123456789abcdef0123456/", ""}) {
            try {
                folders.of(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                // refused
            }
        }
    }
}
