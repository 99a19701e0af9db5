-- The W3C trace context of the request that recorded an event, so the trace continues when the
-- relay publishes it (a traceparent header on the Kafka record) after the request has long ended.
alter table outbox add column traceparent text;
