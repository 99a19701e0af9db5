package com.emogg.worker;

import java.lang.reflect.Proxy;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Workers of the same group in the test's process, not started: what other worker processes would be. */
@ApplicationScoped
public class OtherWorkers {

    private final SessionWorkers workers;
    private final WorkerConfig config;
    private final String topic;

    public OtherWorkers(SessionWorkers workers, WorkerConfig config, @ConfigProperty(name = "emogg.topics.session-commands") String topic) {
        this.workers = workers;
        this.config = config;
        this.topic = topic;
    }

    /** A worker named as a worker process is by default (no EMOGG_WORKER_ID): what a second process on this host would be. */
    public SessionWorker another() {
        return workers.worker(WorkerIdentity.of(Optional.empty()), topic, config);
    }

    /** A worker with an explicit id, as EMOGG_WORKER_ID gives one. */
    public SessionWorker another(String workerId) {
        return workers.worker(WorkerIdentity.of(Optional.of(workerId)), topic, config);
    }

    /**
     * A default-named worker following {@code otherTopic} in a group of its own, as a worker of
     * another deployment would: for measurements on a topic of their own ({@link TakeoverBench}).
     */
    public SessionWorker following(String otherTopic, String group) {
        // every setting as configured but the group (a proxy, so a setting added later needs nothing here)
        WorkerConfig own = (WorkerConfig) Proxy.newProxyInstance(WorkerConfig.class.getClassLoader(), new Class<?>[] {WorkerConfig.class},
                (proxy, method, args) -> method.getName().equals("group") ? group : method.invoke(config, args));
        return workers.worker(WorkerIdentity.of(Optional.empty()), otherTopic, own);
    }
}
