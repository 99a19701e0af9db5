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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.emogg.local.LoopbackStream;
import com.emogg.platform.net.IpNetwork;
import com.emogg.platform.net.StreamAddresses;
import com.emogg.testing.CountingListener;

/** The probes against a real RTSP/RTMP responder on loopback. */
class StreamProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** What the tests' settings allow besides the internet: the loopback streams. */
    private static final StreamAddresses LOOPBACK = new StreamAddresses(List.of(IpNetwork.of("127.0.0.0/8")));
    /** The production default. */
    private static final StreamAddresses CLOSED = StreamAddresses.allowing(Optional.empty());
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
        ProbeResult result = RtspProbe.probe(URI.create(stream.rtspUri()), TIMEOUT, LOOPBACK);
        assertTrue(result.reachable(), result.reason());
        assertTrue(result.description().contains("m=video"));
    }

    @Test
    void rtspCredentialsFromTheUriAreSentAndWrongOnesRefused() {
        String base = "127.0.0.1:" + stream.rtspPort() + "/private";
        assertTrue(RtspProbe.probe(URI.create("rtsp://viewer:secret@" + base), TIMEOUT, LOOPBACK).reachable());
        ProbeResult refused = RtspProbe.probe(URI.create("rtsp://viewer:wrong-Pa55@" + base), TIMEOUT, LOOPBACK);
        assertFalse(refused.reachable());
        assertTrue(refused.reason().contains("401"), refused.reason());
        assertFalse(refused.reason().contains("wrong-Pa55"), "reasons never carry credentials");
    }

    @Test
    void aMissingRtspStreamIsNotFound() {
        ProbeResult result = RtspProbe.probe(URI.create("rtsp://127.0.0.1:" + stream.rtspPort() + "/nothing"), TIMEOUT, LOOPBACK);
        assertFalse(result.reachable());
        assertTrue(result.reason().contains("404"), result.reason());
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ProbeResult rtsp = RtspProbe.probe(URI.create("rtsp://127.0.0.1:" + closed + "/live"), TIMEOUT, LOOPBACK);
        assertFalse(rtsp.reachable());
        assertTrue(rtsp.reason().startsWith("stream unreachable"), rtsp.reason());
        assertFalse(RtmpProbe.probe(URI.create("rtmp://127.0.0.1:" + closed + "/live"), TIMEOUT, LOOPBACK).reachable());
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

    /** The hosts of the issue's scan, and more spellings of the machine itself (all reach a listener on every address). */
    private static final List<String> THE_MACHINE_ITSELF = List.of("127.0.0.1", "localhost", "LocalHost", "127.0.0.2", "127.255.255.254",
            "[::ffff:127.0.0.1]", "[::ffff:7f00:2]", "[::1]", "0.0.0.0", "0", "2130706433", "[::]", "[::127.0.0.1]",
            "[64:ff9b::7f00:1]", "[2002:7f00:1::]");

    /**
     * The port scan of issue 17, against the production default: whether the port is open or closed,
     * every stream on the machine itself fails with one and the same reason, and not one connection
     * reaches the listener. Then the control: the loopback network allowed, the same probe connects.
     */
    @Test
    void internalAddressesAreRefusedBeforeAnyConnectionWithOneReason() {
        try (CountingListener listener = new CountingListener()) {
            Set<String> reasons = new TreeSet<>();
            for (int port : new int[] {listener.port(), CountingListener.closedPort()}) {
                for (String host : THE_MACHINE_ITSELF) {
                    for (String scheme : List.of("rtsp", "rtmp", "rtmps")) {
                        URI uri = URI.create(scheme + "://user:pa55@" + host + ":" + port + "/cam");
                        ProbeResult result = scheme.equals("rtsp") ? RtspProbe.probe(uri, TIMEOUT, CLOSED) : RtmpProbe.probe(uri, TIMEOUT, CLOSED);
                        assertFalse(result.reachable(), uri.toString());
                        reasons.add(result.reason());
                    }
                }
            }
            assertEquals(Set.of(HostResolver.RefusedAddress.REASON), reasons, "one reason, open port or not, whatever the spelling");
            assertEquals(0, listener.accepted(), "no connection reached the listener");

            ProbeResult allowed = RtspProbe.probe(URI.create("rtsp://127.0.0.2:" + listener.port() + "/cam"), TIMEOUT, LOOPBACK);
            assertFalse(allowed.reachable(), "the listener speaks no RTSP");
            assertFalse(allowed.reason().equals(HostResolver.RefusedAddress.REASON), allowed.reason());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listener.accepted() == 1);
        }
    }

    /** A name is refused when any of its addresses is, and the socket is given the address that was checked. */
    @Test
    void everyAddressOfANameIsChecked() throws Exception {
        java.net.InetAddress internet = java.net.InetAddress.getByName("93.184.216.34");
        java.net.InetAddress cluster = java.net.InetAddress.getByName("10.96.0.1");
        java.net.InetAddress other = java.net.InetAddress.getByName("1.1.1.1");
        assertEquals(internet, HostResolver.checked(new java.net.InetAddress[] {internet, other}, CLOSED));
        for (java.net.InetAddress[] mixed : List.of(new java.net.InetAddress[] {internet, cluster},
                new java.net.InetAddress[] {cluster, internet})) {
            try {
                HostResolver.checked(mixed, CLOSED);
                throw new AssertionError("a name that also points into the cluster was permitted");
            } catch (HostResolver.RefusedAddress expected) {
                assertEquals(HostResolver.RefusedAddress.REASON, expected.getMessage());
            }
        }
        java.net.InetSocketAddress resolved = HostResolver.resolve("localhost", 554, TIMEOUT, LOOPBACK);
        assertFalse(resolved.isUnresolved(), "the socket gets an address, never the name to look up again");
        assertTrue(resolved.getAddress().isLoopbackAddress());
    }

    @Test
    void aSessionOnARefusedAddressIsReportedFailedWithTheRefusal(@org.junit.jupiter.api.io.TempDir Path media) throws Exception {
        StreamProbe probes = new StreamProbe(new ProbeSettings(Optional.empty()), Clock.systemUTC());
        try (CountingListener listener = new CountingListener()) {
            CompletableFuture<String> failed = new CompletableFuture<>();
            probes.start(new StreamAnalysis.Request("s", URI.create("rtsp://127.0.0.1:" + listener.port() + "/live"), media.resolve("s")),
                    new StreamAnalysis.Listener() {
                        @Override
                        public void working() {
                            failed.completeExceptionally(new AssertionError("a refused stream is not working"));
                        }

                        @Override
                        public void failed(String reason) {
                            failed.complete(reason);
                        }
                    });
            assertEquals(HostResolver.RefusedAddress.REASON, failed.get(10, TimeUnit.SECONDS));
            assertEquals(0, listener.accepted());
        } finally {
            probes.close();
        }
    }

    /** One failure is enough. */
    private static final class ProbeSettings implements WorkerConfig {

        private final Optional<List<IpNetwork>> allowedNetworks;

        ProbeSettings() {
            this(Optional.of(List.of(IpNetwork.of("127.0.0.0/8"))));
        }

        ProbeSettings(Optional<List<IpNetwork>> allowedNetworks) {
            this.allowedNetworks = allowedNetworks;
        }

        @Override
        public Optional<List<IpNetwork>> allowedNetworks() {
            return allowedNetworks;
        }

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
                Duration.ofMillis(500), LOOPBACK);
        assertFalse(result.reachable());
    }

    @Test
    void theRtmpHandshakeCompletes() {
        ProbeResult result = RtmpProbe.probe(URI.create(stream.rtmpUri()), TIMEOUT, LOOPBACK);
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
