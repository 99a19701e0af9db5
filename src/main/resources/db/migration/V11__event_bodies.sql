-- The body of every event the api records, each defined once, here, beside the two of V4 and V7
-- (stop_requested_payload, session_stopped_payload). The statements that change a session build
-- its events' bodies with these functions in the same statement, and com.emogg.outbox.Outbox is the
-- one writer of the rows. The JSON of each is the record of the same name in com.emogg.contract
-- and the example of docs/asyncapi.yaml (tests compare them).

-- SessionStartRequested: the only event that carries the stream URI; it goes to the workers' command topic alone.
create function start_requested_payload(session_id text, user_id text, product_id text, stream_uri text, remove_media boolean,
                                        expires_at timestamptz, requested_at timestamptz) returns text
    language sql immutable as $$
    select json_build_object(
        'schemaVersion', 1,
        'sessionId', session_id,
        'user', user_id,
        'product', product_id,
        'streamUri', stream_uri,
        'removeMedia', remove_media,
        'expires', iso_millis(expires_at),
        'requestedAt', iso_millis(requested_at)
    )::text
$$;

-- SessionCreated: never the stream URI, only its host as the source's name.
create function session_created_payload(session_id text, user_id text, product_id text, name text, type text,
                                        created_at timestamptz, expires_at timestamptz, remove_media boolean,
                                        source_id uuid, source_name text) returns text
    language sql immutable as $$
    select json_build_object(
        'schemaVersion', 1,
        'sessionId', session_id,
        'user', user_id,
        'product', product_id,
        'name', name,
        'type', type,
        'timestamp', iso_millis(created_at),
        'expires', iso_millis(expires_at),
        'removeMedia', remove_media,
        'source', json_build_object('id', source_id, 'name', source_name, 'type', 'video', 'device', 'stream')
    )::text
$$;

create function session_renamed_payload(session_id text, user_id text, product_id text, name text, previous_name text,
                                        at timestamptz) returns text
    language sql immutable as $$
    select json_build_object(
        'schemaVersion', 1,
        'sessionId', session_id,
        'user', user_id,
        'product', product_id,
        'name', name,
        'previousName', previous_name,
        'at', iso_millis(at)
    )::text
$$;

create function session_deleted_payload(session_id text, user_id text, product_id text, at timestamptz) returns text
    language sql immutable as $$
    select json_build_object(
        'schemaVersion', 1,
        'sessionId', session_id,
        'user', user_id,
        'product', product_id,
        'at', iso_millis(at)
    )::text
$$;

-- SessionWorkerStateChanged: was written by a trigger (V7); now by the statements that change the
-- worker state, through the one writer, like every other event.
create function worker_state_changed_payload(session_id text, user_id text, product_id text, worker_state text,
                                             previous_worker_state text, at timestamptz) returns text
    language sql immutable as $$
    select json_build_object(
        'schemaVersion', 1,
        'sessionId', session_id,
        'user', user_id,
        'product', product_id,
        'workerState', worker_state,
        'previousWorkerState', previous_worker_state,
        'at', iso_millis(at)
    )::text
$$;

drop trigger session_worker_state_event on sessions;
drop function session_worker_state_event();
