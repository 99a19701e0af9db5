package com.emogg.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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

    /**
     * A refused connection fails the first probe at once, possibly before the scheduler has handed
     * back the task's future (a loaded worker): the task must still report failed. It once died of
     * the null future instead, and its session stayed {@code starting} for good. The executor here
     * runs the first probe before it returns, which is that race, every time.
     */
    @Test
    void aStreamRefusedBeforeTheProbeIsEvenScheduledIsReportedFailed(@org.junit.jupiter.api.io.TempDir Path media) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ScheduledThreadPoolExecutor firstProbeAtOnce = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
                command.run();
                return super.scheduleWithFixedDelay(command, delay, delay, unit);
            }
        };
        firstProbeAtOnce.setRemoveOnCancelPolicy(true);
        StreamProbe probes = new StreamProbe(new ProbeSettings(), Clock.systemUTC(), firstProbeAtOnce);
        try {
            CompletableFuture<String> failed = new CompletableFuture<>();
            probes.start(new StreamAnalysis.Request("s", URI.create("rtsp://127.0.0.1:" + closed + "/live"), media.resolve("s")),
                    new StreamAnalysis.Listener() {
                        @Override
                        public void working() {
                            failed.completeExceptionally(new AssertionError("a closed port is not working"));
                        }

                        @Override
                        public void failed(String reason) {
                            failed.complete(reason);
                        }
                    });
            assertTrue(failed.get(10, TimeUnit.SECONDS).startsWith("stream unreachable"));
            // and the task ended: no probe is left scheduled
            assertEquals(0, firstProbeAtOnce.getQueue().size());
        } finally {
            probes.close();
        }
    }

    /** One failure is enough. */
    private static final class ProbeSettings implements WorkerConfig {

        @Override
        public Optional<String> id() {
            return Optional.empty();
        }

        @Override
        public String group() {
            return "test";
        }

        @Override
        public String mediaDir() {
            return "target/worker-media";
        }

        @Override
        public Duration heartbeatInterval() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration stopConfirmWindow() {
            return Duration.ofMinutes(2);
        }

        @Override
        public Probe probe() {
            return new Probe() {
                @Override
                public Duration interval() {
                    return Duration.ofMillis(50);
                }

                @Override
                public Duration timeout() {
                    return TIMEOUT;
                }

                @Override
                public int failuresBeforeFailed() {
                    return 1;
                }

                @Override
                public int threads() {
                    return 4;
                }
            };
        }
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
