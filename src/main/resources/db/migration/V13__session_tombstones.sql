-- A session that reached a terminal worker state gets a tombstone on session-commands (a record
-- without a value, com.emogg.contract.SessionSettled), recorded in the outbox like every other
-- record so that it is published after the session's stop command: its row has no payload. Every
-- other row keeps one. NOT VALID: every existing row has a payload (the column was NOT NULL), so
-- the check only needs to hold for new rows, and the table is not scanned under a lock that would
-- stop the API's writes while a deploy migrates.
alter table outbox alter column payload drop not null;
alter table outbox add constraint outbox_payload_only_tombstones_are_empty
    check (payload is not null or (stream = 'commands' and type = 'SessionSettled')) not valid;
