package com.emogg.outbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.emogg.platform.runtime.Traces;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.smallrye.common.annotation.Identifier;

/**
 * Sends recorded events to Kafka as CloudEvents 1.0 in binary mode (the JSON body as the record
 * value, the session id as the key, {@code ce_*} headers), through a transactional producer that
 * every relay of every replica opens with the same {@code transactional.id}
 * ({@code EMOGG_RELAY_TRANSACTIONAL_ID}). Opening one fences the one opened before it: the broker
 * aborts its open transaction and refuses anything it still sends or commits, so a relay that lost
 * its lead while its sends were on their way can never publish after the next leader started
 * ({@link Publication}).
 */
@ApplicationScoped
public class EventPublisher {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final Map<String, Object> kafka;
    private final String commandsTopic;
    private final String eventsTopic;
    private final URI source;
    private final RelayConfig config;
    private final Tracer tracer;

    public EventPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "emogg.topics.session-commands") String commandsTopic,
            @ConfigProperty(name = "emogg.topics.session-events") String eventsTopic,
            @ConfigProperty(name = "emogg.events.source", defaultValue = "/emogg/sessions") URI source, RelayConfig config,
            Tracer tracer) {
        this.kafka = kafka;
        this.commandsTopic = commandsTopic;
        this.eventsTopic = eventsTopic;
        this.source = source;
        this.config = config;
        this.tracer = tracer;
    }

    /**
     * A producer of the relay's transactional id, its transactions initialised: every publication
     * opened before it, in this process or another, is fenced from now on. Blocks until the broker
     * answers (at most the send timeout); fails when it does not.
     */
    public Publication open(String relayName) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        for (String shared : new String[] {"security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location",
                "ssl.truststore.password", "ssl.truststore.type", "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type",
                "ssl.key.password", "ssl.endpoint.identification.algorithm"}) {
            if (kafka.containsKey(shared)) {
                settings.put(shared, kafka.get(shared));
            }
        }
        long timeout = config.sendTimeout().toMillis();
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "emogg-relay-" + relayName);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        // every blocking call (initTransactions, commitTransaction, a send waiting for metadata) gives up within the send timeout
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(10_000, Math.max(1_000, timeout / 3)));
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout, 1_000 + Math.min(10_000, Math.max(1_000, timeout / 3))));
        // a transaction left open by a relay that vanished blocks read_committed consumers until it ends: the next leader's
        // initTransactions ends it at once; without a next leader the broker does after this
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(10_000, 2 * timeout));
        KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return new Publication(producer, this::record);
    }

    /** True when some broker answers within {@code timeout}: a relay that gave up its lead for want of a broker asks before leading again. */
    public boolean brokerAnswers(Duration timeout) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        kafka.forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                settings.put(key, value);
            }
        });
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(settings)) {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private ProducerRecord<String, String> record(PendingEvent event) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic(event.stream()), event.sessionId(), event.payload());
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", event.id().toString());
        header(record, "ce_type", event.type());
        header(record, "ce_source", source.toString());
        header(record, "ce_time", TIME.format(event.occurredAt().atOffset(ZoneOffset.UTC)));
        header(record, "ce_subject", event.sessionId());
        // a tombstone (no body) keeps the ce_* headers, so it is deduped and checked like any event, but no content type
        if (event.payload() != null) {
            header(record, "ce_datacontenttype", "application/json");
            header(record, "content-type", "application/json");
        }
        String traceparent = publishSpan(event);
        if (traceparent != null) {
            header(record, "traceparent", traceparent);
        }
        return record;
    }

    /** The trace goes on from the request that recorded the event, through a span of the relay's send. */
    private String publishSpan(PendingEvent event) {
        if (event.traceparent() == null) {
            return null;
        }
        Span span = tracer.spanBuilder(topic(event.stream()) + " publish").setSpanKind(SpanKind.PRODUCER)
                .setParent(Traces.parent(event.traceparent())).setAttribute("emogg.session.id", event.sessionId()).startSpan();
        try (Scope scope = span.makeCurrent()) {
            String own = Traces.current();
            return own != null ? own : event.traceparent();
        } finally {
            span.end();
        }
    }

    private String topic(EventStream stream) {
        return switch (stream) {
            case COMMANDS -> commandsTopic;
            case EVENTS -> eventsTopic;
        };
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
