-- Idempotency-Key in the statement of the request itself (com.emogg.platform.idempotency): the
-- statement that makes the change also records, in the same implicit transaction, the row it
-- changed as it committed it (without its secret columns), and the time its response was rendered
-- at. A retry renders that response again from them, to the same bytes. Responses kept as bytes
-- (client errors, and what a ?wait= gave later) keep status and body as before.
alter table idempotency_keys
    alter column status drop not null,
    alter column body drop not null,
    add column snapshot    jsonb,
    add column rendered_at timestamptz,
    add constraint idempotency_keys_one_response
        check ((status is not null and body is not null) or (snapshot is not null and rendered_at is not null));

-- Rate limits: replicas lease points from a user's bucket in batches (com.emogg.platform.ratelimit)
-- and no longer record whether the last request was allowed. The column stays, with a default, so
-- that replicas of the previous release keep working during a rolling upgrade; a later migration
-- drops it.
alter table rate_limits alter column allowed set default true;
