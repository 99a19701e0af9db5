-- Events waiting for publication to Kafka: written in the same transaction as the change they
-- report (the transactional outbox), published by the relay after commit.
--
-- Order: seq follows insertion. Every transaction that records an event for a session first
-- locks that session's row (insert, guarded update), so two events of one session can never be
-- in flight at once: their seq order is their commit order, which is the order they are published.
create table outbox (
    seq          bigint       generated always as identity primary key,
    id           uuid         not null unique,   -- the CloudEvents id (ce_id) consumers dedupe on
    session_id   varchar(24)  not null,          -- the Kafka key
    stream       text         not null check (stream in ('commands', 'events')),
    type         text         not null,          -- ce_type
    payload      text         not null,          -- the JSON body, exactly as published
    occurred_at  timestamptz  not null,          -- ce_time
    published_at timestamptz                     -- set once the broker acknowledged the record
);

-- what the relay reads: the unpublished rows, oldest first
create index outbox_unpublished on outbox (seq) where published_at is null;
-- what the retention clean-up deletes
create index outbox_published on outbox (published_at) where published_at is not null;

-- Wakes the relay at commit (NOTIFY is transactional); one notification per statement is enough.
-- NOTIFY is not durable: the relay also polls.
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('outbox', '');
    return null;
end
$$;

create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();
