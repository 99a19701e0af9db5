package com.emogg.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What operators watch of the relay: {@code emogg_relay_published_total},
 * {@code emogg_relay_publish_failures_total}, {@code emogg_relay_oldest_unpublished_seconds} and the
 * {@code emogg_relay_commit_to_publish_seconds} histogram.
 */
@ApplicationScoped
public class RelayMetrics {

    private final MeterRegistry registry;
    private final Counter failures;
    private final Timer latency;
    private final AtomicLong oldestUnpublishedMillis = new AtomicLong();
    private final AtomicLong leaders = new AtomicLong();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.failures = Counter.builder("emogg.relay.publish.failures")
                .description("Times the broker refused an event or did not acknowledge it in time (what was out goes again)")
                .register(registry);
        this.latency = Timer.builder("emogg.relay.commit.to.publish")
                .description("From the commit that recorded an event to the broker's acknowledgement")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        Gauge.builder("emogg.relay.oldest.unpublished", oldestUnpublishedMillis, millis -> millis.get() / 1000.0)
                .description("Age of the oldest event not yet published, 0 when none waits")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("emogg.relay.leader", leaders, AtomicLong::get)
                .description("1 while this process is the relay (one process of all replicas is)")
                .register(registry);
    }

    void published(PendingEvent event, Instant ackedAt) {
        registry.counter("emogg.relay.published", "type", event.type()).increment();
        latency.record(Duration.between(event.occurredAt(), ackedAt).abs());
    }

    void failed() {
        failures.increment();
    }

    void oldestUnpublished(Instant occurredAt, Instant now) {
        oldestUnpublishedMillis.set(occurredAt == null ? 0 : Math.max(0, Duration.between(occurredAt, now).toMillis()));
    }

    void leader(boolean leading) {
        leaders.updateAndGet(count -> Math.max(0, count + (leading ? 1 : -1)));
    }
}
