-- Every change of a session's worker state, whoever makes it (a worker's report, a stop, the
-- reconciler), is told to every api replica at commit: the WebSocket channel
-- session_worker_state and the "wait" of GET/stop are fed from it.
create function session_worker_state_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('worker_state', new.id || ' ' || new.worker_state);
    return null;
end
$$;

create trigger session_worker_state_changed after update of worker_state on sessions
    for each row when (old.worker_state is distinct from new.worker_state)
    execute function session_worker_state_changed();

-- Idempotency-Key: the first response to a key, replayed to retries of the same request.
create table idempotency_keys (
    user_id      varchar(24) not null,
    key          text        not null,
    request_hash bytea       not null,   -- SHA-256 of method, path and body: "the same request"
    status       integer     not null,
    content_type text,
    location     text,
    body         bytea       not null,   -- replayed byte for byte
    created_at   timestamptz not null default now(),
    primary key (user_id, key)
);
create index idempotency_keys_age on idempotency_keys (created_at);

-- Per-user token buckets, shared by every replica.
create table rate_limits (
    user_id    varchar(24)      primary key,
    tokens     double precision not null,
    updated_at timestamptz      not null,
    allowed    boolean          not null
);
