-- Every api replica caches the callers of recently used tokens; a revocation tells them all at
-- commit, with the token's hash (hex), so a revoked token is refused on the next request.
create function api_token_revoked() returns trigger language plpgsql as $$
begin
    perform pg_notify('token_revoked', encode(new.token_hash, 'hex'));
    return null;
end
$$;

create trigger api_token_revoked after update of revoked_at on api_tokens
    for each row when (old.revoked_at is null and new.revoked_at is not null)
    execute function api_token_revoked();
