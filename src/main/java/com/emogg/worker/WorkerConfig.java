package com.emogg.worker;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.emogg.platform.net.IpNetwork;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The worker role ({@code EMOGG_WORKER_*}). */
@ConfigMapping(prefix = "emogg.worker")
public interface WorkerConfig {

    /**
     * This worker's name in its reports, logs and metrics. When unset, the host name (the pod's name
     * on Kubernetes), the process id and the run ({@link WorkerIdentity}): unique per process and per start.
     */
    Optional<String> id();

    /** The consumer group all workers share: Kafka spreads the session-commands partitions over its members. */
    @WithDefault("emogg-workers")
    String group();

    /** Where each session gets its media folder ({@code <media-dir>/<session id>}). */
    @WithDefault("${java.io.tmpdir}/emogg-media")
    String mediaDir();

    /** Heartbeats for every running session, at this interval. */
    @WithDefault("PT10S")
    Duration heartbeatInterval();

    /**
     * A worker that takes a partition over confirms again the stops requested this recently, since
     * their previous owner may have died before confirming them. Longer than the api's stop deadline
     * ({@code EMOGG_RECONCILER_STOP_DEADLINE}), which re-requests an unconfirmed stop that often.
     */
    @WithDefault("PT2M")
    Duration stopConfirmWindow();

    /**
     * Networks a stream may be on besides the internet ({@code EMOGG_WORKER_ALLOWED_NETWORKS},
     * comma-separated CIDRs), for cameras on private networks. Unset, a worker connects to public
     * addresses only ({@link com.emogg.platform.net.StreamAddresses}). The api reads the same setting
     * to judge address literals at create.
     */
    Optional<List<IpNetwork>> allowedNetworks();

    Probe probe();

    /** The shipped {@link StreamProbe}. */
    interface Probe {

        /** Time between two probes of a stream. */
        @WithDefault("PT5S")
        Duration interval();

        /** Connect and read timeout of one probe. */
        @WithDefault("PT5S")
        Duration timeout();

        /** Failed probes in a row before the session is reported {@code failed}. */
        @WithDefault("3")
        int failuresBeforeFailed();

        /** Threads probing streams; a probe mostly waits on the network, and takes at most two timeouts. */
        @WithDefault("16")
        int threads();
    }
}
