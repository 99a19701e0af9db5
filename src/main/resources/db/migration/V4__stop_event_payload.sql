-- The body of SessionStopRequested, built where the stop happens. Every kind of stop (user,
-- expiry, resend, failed or lost worker) is one SQL statement that changes the session and
-- inserts this event into the outbox, so the body is defined once, here. It is the JSON of
-- com.emogg.session.events.SessionStopRequested (a test compares them).
create function stop_requested_payload(session_id text, user_id text, product_id text, remove_media boolean,
                                       reason text, at timestamptz) returns text
    language sql immutable as $$
    select json_build_object(
        'schemaVersion', 1,
        'sessionId', session_id,
        'user', user_id,
        'product', product_id,
        'reason', reason,
        'removeMedia', remove_media,
        'requestedAt', to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    )::text
$$;
