-- Users exist here only as far as API tokens need them: a user belongs to one product, the
-- product that analyses its sessions.
create table users (
    id          varchar(24) primary key,
    product_id  varchar(24) not null,
    created_at  timestamptz not null default now()
);

-- API tokens are shown once, at creation; only their SHA-256 is kept. Tokens are 256 random bits,
-- so a fast hash is enough: there is nothing to brute-force.
create table api_tokens (
    id          varchar(24) primary key,
    token_hash  bytea       not null unique,
    user_id     varchar(24) not null references users (id),
    -- the user's product, copied so that authenticating a request reads one row
    product_id  varchar(24) not null,
    created_at  timestamptz not null,
    revoked_at  timestamptz
);

create table sessions (
    id              varchar(24)  primary key,
    user_id         varchar(24)  not null references users (id),
    product_id      varchar(24)  not null,
    name            varchar(256) not null check (length(name) between 1 and 256),
    type            text         not null check (type in ('live_analysis')),
    state           text         not null check (state in ('active', 'finished')),
    created_at      timestamptz  not null,
    finished_at     timestamptz,
    expires_at      timestamptz  not null,
    -- may carry credentials (rtsp://user:pass@cam/1): never returned by the API, never logged
    stream_uri      text         not null,
    remove_media    boolean      not null,
    source_id       uuid         not null,
    source_name     text         not null,
    worker_state    text         not null check (worker_state in
                        ('pending', 'starting', 'working', 'stopping', 'stopped', 'failed', 'lost')),
    health_check_at timestamptz,
    check ((state = 'finished') = (finished_at is not null))
);

-- serves the list: one user's sessions, newest first, with the id as tie-breaker for stable pages
create index sessions_by_user_newest on sessions (user_id, created_at desc, id desc);
