-- Integration events for other services, on the public session-events topic: facts about each
-- session, recorded through the same outbox, in the same transaction as the change they report.
-- ISO-8601 UTC with milliseconds, as everywhere in the API
create function iso_millis(at timestamptz) returns text language sql immutable as $$
    select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- SessionStopped: what billing needs without calling back, the final duration in seconds.
create function session_stopped_payload(session_id text, user_id text, product_id text, created_at timestamptz,
                                        finished_at timestamptz, reason text) returns text
    language sql immutable as $$
    select json_build_object(
        'schemaVersion', 1,
        'sessionId', session_id,
        'user', user_id,
        'product', product_id,
        'reason', reason,
        'stoppedBy', case when reason = 'user' then 'user' else 'system' end,
        'timestamp', iso_millis(created_at),
        'stoppedAt', iso_millis(finished_at),
        'duration', round(extract(epoch from finished_at - created_at)::numeric, 3)
    )::text
$$;

-- SessionWorkerStateChanged: every applied change of meta.workerState, whoever applies it (a
-- worker's report, a stop, the reconciler), recorded by the very statement that changes it.
create function session_worker_state_event() returns trigger language plpgsql as $$
begin
    insert into outbox (id, session_id, stream, type, payload, occurred_at)
    values (gen_random_uuid(), new.id, 'events', 'SessionWorkerStateChanged',
            json_build_object(
                'schemaVersion', 1,
                'sessionId', new.id,
                'user', new.user_id,
                'product', new.product_id,
                'workerState', new.worker_state,
                'previousWorkerState', old.worker_state,
                'at', iso_millis(now())
            )::text,
            now());
    return null;
end
$$;

create trigger session_worker_state_event after update of worker_state on sessions
    for each row when (old.worker_state is distinct from new.worker_state)
    execute function session_worker_state_event();
