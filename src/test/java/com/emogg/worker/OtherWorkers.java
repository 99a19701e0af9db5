package com.emogg.worker;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.platform.net.IpNetwork;

/** Workers of the same group in the test's process, not started: what other worker processes would be. */
@ApplicationScoped
public class OtherWorkers {

    private final SessionWorkers workers;
    private final WorkerConfig config;
    private final StreamAnalysis analysis;
    private final Clock clock;
    private final String topic;

    public OtherWorkers(SessionWorkers workers, WorkerConfig config, StreamAnalysis analysis, Clock clock,
            @ConfigProperty(name = "emogg.topics.session-commands") String topic) {
        this.workers = workers;
        this.config = config;
        this.analysis = analysis;
        this.clock = clock;
        this.topic = topic;
    }

    /** A worker named as a worker process is by default (no EMOGG_WORKER_ID): what a second process on this host would be. */
    public SessionWorker another() {
        return workers.worker(WorkerIdentity.of(Optional.empty()), topic, config, analysis);
    }

    /** A worker with an explicit id, as EMOGG_WORKER_ID gives one. */
    public SessionWorker another(String workerId) {
        return another(workerId, analysis);
    }

    /** A worker with an explicit id running {@code work}. */
    public SessionWorker another(String workerId, StreamAnalysis work) {
        return workers.worker(WorkerIdentity.of(Optional.of(workerId)), topic, config, work);
    }

    /**
     * A default-named worker following {@code otherTopic} in a group of its own, as a worker of
     * another deployment would: for measurements on a topic of their own ({@link TakeoverBench}).
     */
    public SessionWorker following(String otherTopic, String group) {
        return workers.worker(WorkerIdentity.of(Optional.empty()), otherTopic, settings("group", group), analysis);
    }

    /** The shipped probe, as a worker whose EMOGG_WORKER_ALLOWED_NETWORKS is {@code allowed} runs it (close it after). */
    public StreamProbe probeAllowing(List<IpNetwork> allowed) {
        return new StreamProbe(settings("allowedNetworks", allowed.isEmpty() ? Optional.empty() : Optional.of(allowed)), clock);
    }

    /** The test settings but one (a proxy, so a setting added later needs nothing here). */
    private WorkerConfig settings(String method, Object value) {
        return (WorkerConfig) Proxy.newProxyInstance(WorkerConfig.class.getClassLoader(), new Class<?>[] {WorkerConfig.class},
                (proxy, called, args) -> called.getName().equals(method) ? value : called.invoke(config, args));
    }
}
