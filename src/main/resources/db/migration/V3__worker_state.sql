-- What the api knows of each session's worker, from its reports on worker-states.
alter table sessions
    add column worker_id         text,
    add column worker_seq        bigint,
    -- when the current stop was requested, and how many times it was sent: the reconciler re-sends
    -- stops nobody confirmed, then gives the session up as lost
    add column stop_requested_at timestamptz,
    add column stop_attempts     integer not null default 0;

-- Idempotent consumers: the ids (ce_id) of the events each consumer applied, written in the same
-- transaction as the effect, so a redelivered event changes nothing.
create table processed_events (
    consumer     text        not null,
    event_id     uuid        not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
);
create index processed_events_age on processed_events (processed_at);

-- what the reconciler scans
create index sessions_expiring on sessions (expires_at) where state = 'active';
create index sessions_stopping on sessions (stop_requested_at) where worker_state = 'stopping';
create index sessions_watched on sessions (health_check_at) where worker_state in ('starting', 'working');
